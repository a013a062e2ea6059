//! `patterns/<id>.html`: the Markdown page of a pattern ([`crate::markdown::pattern_page`])
//! drawn as HTML, in the grid's style, so that a link from the grid opens a readable page
//! from disk. Raw HTML in the Markdown is shown as text: the data never becomes markup.

use super::{escape_html, fill, STYLE};
use crate::grid::Grid;
use crate::markdown;
use pulldown_cmark::{html, Event, Options, Parser};
use pyo3_matrix_model::Pattern;

const TEMPLATE: &str = include_str!("pattern.html");

/// Markdown as HTML, tables included, any raw HTML escaped.
fn to_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, events);
    out
}

/// The page of `p`.
pub fn render(grid: &Grid, p: &Pattern) -> String {
    let body = to_html(&markdown::pattern_page::render(grid, p));
    let id = escape_html(&p.id);
    fill(
        TEMPLATE,
        &[
            ("title", &escape_html(&format!("{}: {}", p.id, p.meta.title))),
            ("id", &id),
            ("style", STYLE),
            ("body", &body),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn the_markdown_page_is_drawn_as_html_and_raw_html_stays_text() {
        assert_eq!(
            to_html("| a |\n|---|\n| `x<y>` |\n\n<b>bold</b> and <script>"),
            "<table><thead><tr><th>a</th></tr></thead><tbody>\n<tr><td><code>x&lt;y&gt;</code></td></tr>\n</tbody></table>\n\
             <p>&lt;b&gt;bold&lt;/b&gt; and &lt;script&gt;</p>\n"
        );
        let results = fixture::results();
        let patterns = fixture::patterns();
        let page = render(&Grid::new(&results, &patterns), &patterns[0]);
        for expected in [
            "<title>gilref_any_arg: `&amp;PyAny` argument</title>",
            "<h1>gilref_any_arg: <code>&amp;PyAny</code> argument</h1>",
            r#"<a href="../index.html#pattern=gilref_any_arg">"#,
            "<th>interpreter</th>",
        ] {
            assert!(page.contains(expected), "missing {expected:?} in:\n{page}");
        }
        assert!(!page.contains("{{"), "every placeholder filled");
    }
}
