//! Long pages made readable: each heading's anchor, named as GitHub names it, so that the
//! same link works on GitHub and in the HTML twin ([`crate::html::document`] gives each
//! heading that id and a visible link), and a table of contents built from the headings.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;

/// A heading of a Markdown document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`, …
    pub level: usize,
    /// Its text as shown (link targets and code ticks left out).
    pub text: String,
    /// Its anchor, unique in the document.
    pub anchor: String,
}

/// GitHub's anchor of a heading's text: lower case, letters, digits, `-` and `_` kept,
/// spaces become `-`, anything else is dropped.
fn slug(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|ch| match ch {
            ' ' => Some('-'),
            ch if ch.is_alphanumeric() || ch == '-' || ch == '_' => Some(ch),
            _ => None,
        })
        .collect()
}

/// Every heading of `markdown`, in order, each with its anchor; a repeated one gets `-1`,
/// `-2`, … as on GitHub.
pub fn headings(markdown: &str) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut open: Option<(usize, String)> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => open = Some((level as usize, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = open.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text)) = open.take() {
                    let base = slug(&text);
                    let n = seen.entry(base.clone()).or_insert(0);
                    let anchor = match *n {
                        0 => base,
                        k => format!("{base}-{k}"),
                    };
                    *n += 1;
                    out.push(Heading { level, text, anchor });
                }
            }
            _ => {}
        }
    }
    out
}

/// `markdown` with a table of contents of its `##` and `###` headings put before its first
/// `##` heading.
pub fn with_contents(markdown: &str) -> String {
    let listed: Vec<Heading> = headings(markdown)
        .into_iter()
        .filter(|h| (2..=3).contains(&h.level))
        .collect();
    let Some(at) = markdown.find("\n## ").map(|i| i + 1) else {
        return markdown.to_string();
    };
    let mut toc = String::from("**Contents**\n\n");
    for h in &listed {
        let indent = "  ".repeat(h.level - 2);
        toc.push_str(&format!("{indent}- [{}](#{})\n", super::text(&h.text), h.anchor));
    }
    toc.push('\n');
    format!("{}{toc}{}", &markdown[..at], &markdown[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_github_s() {
        let doc = "# T\n\n## Where PyO3's support changes\n\n### 0.20.3 → 0.23.5\n\n\
                   ### [any_iter](patterns/any_iter.md), PyO3's changelog\n\n## `&PyAny` args\n\n## Sources\n\n## Sources\n";
        let anchors: Vec<String> = headings(doc).into_iter().map(|h| h.anchor).collect();
        assert_eq!(
            anchors,
            [
                "t",
                "where-pyo3s-support-changes",
                "0203--0235",
                "any_iter-pyo3s-changelog",
                "pyany-args",
                "sources",
                "sources-1"
            ]
        );
    }

    #[test]
    fn the_contents_come_before_the_first_section_and_link_every_heading() {
        let doc = "# T\n\nIntro.\n\n## A b\n\ntext\n\n### C_d `x<y>`\n\n## E\n";
        assert_eq!(
            with_contents(doc),
            "# T\n\nIntro.\n\n**Contents**\n\n- [A b](#a-b)\n  - [C_d x\\<y>](#c_d-xy)\n- [E](#e)\n\n\
             ## A b\n\ntext\n\n### C_d `x<y>`\n\n## E\n"
        );
    }
}
