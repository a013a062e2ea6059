//! A Markdown report (`upgrades.md`, `claims.md`, `patterns/<id>.md`) drawn as HTML beside
//! it, in the grid's style, so that a link from the grid opens a readable page from disk.
//! Links between the Markdown reports lead to their HTML twins (`compat.md`'s is the grid
//! itself). Raw HTML in the Markdown is shown as text, but for the empty anchors the
//! reports put before a heading or an item (`<a id="source-the-article"></a>`): the data
//! never becomes markup.

use super::{escape_html, fill};
use crate::markdown::contents::headings;
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::path::Path;

const TEMPLATE: &str = include_str!("document.html");

/// The HTML twin of a relative link to a Markdown report: `../claims.md#x` →
/// `../claims.html#x`, `compat.md#legend` → `index.html#legend`. Other links are kept.
fn twin(dest: &str) -> Option<String> {
    if dest.contains("://") || dest.starts_with('/') {
        return None;
    }
    let (file, fragment) = dest.split_once('#').map_or((dest, ""), |(f, h)| (f, h));
    let stem = file.strip_suffix(".md")?;
    let hash = if fragment.is_empty() {
        String::new()
    } else {
        format!("#{fragment}")
    };
    let page = match stem.rsplit_once('/') {
        Some((dir, "compat")) => format!("{dir}/index"),
        None if stem == "compat" => "index".to_string(),
        _ => stem.to_string(),
    };
    Some(format!("{page}.html{hash}"))
}

/// Whether `raw` opens an anchor the reports write, `<a id="name">` with a name of lower
/// case letters, digits, dashes and underscores (a pattern's id): the only raw HTML let
/// through.
fn opens_anchor(raw: &str) -> bool {
    raw.strip_prefix("<a id=\"")
        .and_then(|rest| rest.strip_suffix("\">"))
        .is_some_and(|id| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        })
}

/// Markdown as HTML, tables included, links to Markdown reports led to their twins, raw
/// HTML escaped but for the reports' empty anchors.
fn to_html(markdown: &str) -> String {
    let mut anchor_open = false;
    // Each heading gets its GitHub anchor as its id, and a visible link to itself.
    let anchors: Vec<String> = headings(markdown).into_iter().map(|h| h.anchor).collect();
    let mut heading = 0;
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).flat_map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id: _,
            classes,
            attrs,
        }) => {
            heading += 1;
            vec![Event::Start(Tag::Heading {
                level,
                id: anchors.get(heading - 1).map(|a| CowStr::from(a.clone())),
                classes,
                attrs,
            })]
        }
        Event::End(TagEnd::Heading(level)) => {
            // The page's title is the page itself: no link to it.
            let link = anchors
                .get(heading.saturating_sub(1))
                .filter(|_| level != HeadingLevel::H1)
                .map(|a| {
                    Event::Html(CowStr::from(format!(
                        " <a class=\"anchor\" href=\"#{a}\" title=\"Link to this section\">#</a>"
                    )))
                });
            link.into_iter().chain([Event::End(TagEnd::Heading(level))]).collect()
        }
        other => vec![kept(other, &mut anchor_open)],
    });
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, events);
    out
}

/// One event of the Markdown as the HTML shows it: raw HTML escaped but for the reports'
/// empty anchors (`anchor_open` follows an anchor split over two events), links to Markdown
/// reports led to their twins.
fn kept<'a>(event: Event<'a>, anchor_open: &mut bool) -> Event<'a> {
    match event {
        Event::Html(raw) | Event::InlineHtml(raw) => {
            let text = raw.trim_end();
            let kept = match text.strip_suffix("</a>") {
                Some(opening) if opens_anchor(opening) => true,
                _ if opens_anchor(text) => {
                    *anchor_open = true;
                    true
                }
                _ if text == "</a>" && *anchor_open => {
                    *anchor_open = false;
                    true
                }
                _ => false,
            };
            if kept {
                Event::Html(raw)
            } else {
                Event::Text(raw)
            }
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: twin(&dest_url).map_or(dest_url, CowStr::from),
            title,
            id,
        }),
        other => other,
    }
}

/// The text of the first `# ` heading, the page's title.
fn title(markdown: &str) -> &str {
    markdown
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or("PyO3 compatibility, observed")
}

/// The HTML twin of the Markdown report at `path` (relative to the output folder): its
/// own path and its text. A pattern's page leads back to its row in the grid.
pub fn render(path: &Path, markdown: &str) -> (std::path::PathBuf, String) {
    let depth = path.components().count().saturating_sub(1);
    let root = "../".repeat(depth);
    let back = match (
        path.parent().and_then(Path::to_str),
        path.file_stem().and_then(|s| s.to_str()),
    ) {
        (Some("patterns"), Some(id)) => format!("#pattern={id}"),
        _ => String::new(),
    };
    let title = title(markdown).replace('`', "");
    let page = fill(
        TEMPLATE,
        &[
            ("title", &escape_html(&title)),
            ("root", &root),
            ("back", &escape_html(&back)),
            ("body", &to_html(markdown)),
        ],
    );
    (path.with_extension("html"), page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{fixture, grid::Grid, markdown};

    #[test]
    fn links_to_markdown_reports_lead_to_their_twins() {
        for (link, twin_of) in [
            (
                "../claims.md#source-the-article",
                Some("../claims.html#source-the-article"),
            ),
            ("../compat.md#legend", Some("../index.html#legend")),
            ("compat.md", Some("index.html")),
            ("patterns/p.md", Some("patterns/p.html")),
            ("https://github.com/PyO3/pyo3/blob/main/CHANGELOG.md", None),
            ("#legend", None),
        ] {
            assert_eq!(twin(link).as_deref(), twin_of, "{link}");
        }
    }

    #[test]
    fn a_markdown_page_is_drawn_as_html_and_raw_html_stays_text() {
        assert_eq!(
            to_html("| a |\n|---|\n| `x<y>` |\n\n<b>bold</b> and <script> [all](../compat.md)"),
            "<table><thead><tr><th>a</th></tr></thead><tbody>\n<tr><td><code>x&lt;y&gt;</code></td></tr>\n</tbody></table>\n\
             <p>&lt;b&gt;bold&lt;/b&gt; and &lt;script&gt; <a href=\"../index.html\">all</a></p>\n"
        );
        assert_eq!(
            to_html("<a id=\"c_1--x\"></a>\n\n- <a id=\"source-x\"></a>**X** <a id=\"Y\"></a> <a id=\"z\" onclick=\"f()\"></a>"),
            "<p><a id=\"c_1--x\"></a></p>\n<ul>\n<li><a id=\"source-x\"></a><strong>X</strong> &lt;a id=\"Y\"&gt;&lt;/a&gt; \
             &lt;a id=\"z\" onclick=\"f()\"&gt;&lt;/a&gt;</li>\n</ul>\n"
        );
        let results = fixture::results();
        let patterns = fixture::patterns();
        let grid = Grid::new(&results, &patterns);
        let (path, page) = render(
            Path::new("patterns/gilref_any_arg.md"),
            &markdown::pattern_page::render(&grid, &patterns[0]),
        );
        assert_eq!(path, Path::new("patterns/gilref_any_arg.html"));
        for expected in [
            "<title>gilref_any_arg: &amp;PyAny argument</title>",
            "<h1 id=\"gilref_any_arg-pyany-argument\">gilref_any_arg: <code>&amp;PyAny</code> argument</h1>",
            r#"<a href="../index.html#pattern=gilref_any_arg">"#,
            r#"<a href="../claims.html">claims</a>"#,
            "<th>interpreter</th>",
        ] {
            assert!(page.contains(expected), "missing {expected:?} in:\n{page}");
        }
        assert!(!page.contains("{{"), "every placeholder filled");
        let (_, claims) = render(Path::new("claims.md"), "# Claims\n\n## `&PyAny` args\n");
        assert!(claims.contains(r#"<a href="index.html">← the grid</a>"#));
        assert!(
            claims.contains(
                r##"<h2 id="pyany-args"><code>&amp;PyAny</code> args <a class="anchor" href="#pyany-args" title="Link to this section">#</a></h2>"##
            ),
            "{claims}"
        );
    }
}
