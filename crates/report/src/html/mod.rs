//! The HTML reports, which open from disk with no server:
//!
//! - `index.html`: a caniuse-style grid with search, filters, a details panel and an
//!   upgrade view, every view a permalink in the URL's hash. It embeds compact data only
//!   ([`page_data`]), so that it loads light; `page.js` draws it.
//! - `cells/<id>.js`: the rest of what the panel shows of a pattern (logs, stacks,
//!   diagnostics, claims; [`details`]), loaded when it is opened.
//! - `upgrades.html`, `claims.html`, `patterns/<id>.html`: the Markdown reports drawn as
//!   HTML ([`document`]).

mod details;
mod document;
mod page_data;
mod tidy;

use crate::grid::Grid;
use anyhow::Result;
use std::path::{Path, PathBuf};

const TEMPLATE: &str = include_str!("page.html");
const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// JSON that can sit inside a `<script>` element: every `<` escaped, so neither `</script>`
/// nor `<!--` in a message can end or confuse the element.
fn embeddable(value: &impl serde::Serialize) -> Result<String> {
    Ok(serde_json::to_string(value)?.replace('<', "\\u003c"))
}

/// Text that shows as written in HTML.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            ch => out.push(ch),
        }
    }
    out
}

/// Replaces each `{{name}}` in `template` in one pass, so no value is scanned again.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let end = rest[start..].find("}}").map(|e| start + e + 2);
        let hit = end.and_then(|end| {
            let name = &rest[start + 2..end - 2];
            values.iter().find(|(n, _)| *n == name).map(|(_, v)| (end, *v))
        });
        match hit {
            Some((end, value)) => {
                out.push_str(&rest[..start]);
                out.push_str(value);
                rest = &rest[end..];
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `index.html` for `grid`.
pub fn render(grid: &Grid) -> Result<String> {
    Ok(fill(
        TEMPLATE,
        &[
            ("style", STYLE),
            ("script", SCRIPT),
            ("data", &embeddable(&page_data::of(grid))?),
        ],
    ))
}

/// Every HTML report for `grid`, as (path relative to the output folder, text):
/// `index.html`, `cells/<id>.js` for every pattern, and the HTML twin of every Markdown
/// report in `markdown` but `compat.md`, which the grid itself draws, with the
/// `style.css` they share.
pub fn files(grid: &Grid, markdown: &[(PathBuf, String)]) -> Result<Vec<(PathBuf, String)>> {
    let mut out = vec![
        (PathBuf::from("index.html"), render(grid)?),
        (PathBuf::from("style.css"), STYLE.to_string()),
    ];
    for p in grid.patterns() {
        out.push((format!("cells/{}.js", p.id).into(), details::render(grid, p)?));
    }
    out.extend(
        markdown
            .iter()
            .filter(|(path, _)| path != Path::new("compat.md"))
            .map(|(path, text)| document::render(path, text)),
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use pyo3_matrix_model::RunResults;
    use serde_json::Value;

    #[test]
    fn placeholders_are_filled_once() {
        assert_eq!(
            fill("a{{x}}b{{y}}c{{z}}", &[("x", "{{y}}"), ("y", "2")]),
            "a{{y}}b2c{{z}}"
        );
    }

    /// The data embedded in `page`.
    fn data_of(page: &str) -> Value {
        let start = page.find(r#"<script type="application/json" id="data">"#).unwrap();
        let body = &page[start..];
        serde_json::from_str(&body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()]).unwrap()
    }

    /// Every file for `results` with the fixture's catalog, by relative path.
    fn drawn(results: &RunResults) -> std::collections::BTreeMap<String, String> {
        let grid = Grid::new(results, &fixture::patterns());
        files(&grid, &crate::markdown::pages(&grid))
            .unwrap()
            .into_iter()
            .map(|(path, text)| (path.display().to_string(), text))
            .collect()
    }

    #[test]
    fn the_data_cannot_end_the_script_and_reads_back() {
        let mut results = fixture::results();
        results.results[0].message = Some("</script><!-- oops".into());
        let files = drawn(&results);
        let page = &files["index.html"];
        assert_eq!(page.matches("</script>").count(), 2, "the data and the script itself");
        assert!(!page.contains("{{"), "every placeholder filled");
        let data = data_of(page);
        let strings: Vec<&str> = data["strings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert!(strings.contains(&"</script><!-- oops"));
        assert_eq!(data["releases"], serde_json::json!(["0.21.2", "0.22.6", "0.23.5"]));
        let legend: Vec<(String, u64)> = data["states"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["key"].as_str().unwrap().to_string(), s["count"].as_u64().unwrap()))
            .filter(|(_, n)| *n > 0)
            .collect();
        let counts: Vec<(&str, u64)> = legend.iter().map(|(k, n)| (k.as_str(), *n)).collect();
        assert_eq!(
            counts,
            [
                ("pass", 6),
                ("deprecated", 1),
                ("gil-reenabled", 1),
                ("compile-error", 3),
                ("unsupported", 6),
                ("test-fail", 2),
                ("crash", 1),
                ("hang", 1),
                ("blocked", 1),
            ]
        );
    }

    #[test]
    fn the_upgrade_answers_are_the_grids() {
        let data = data_of(&drawn(&fixture::results())["index.html"]);
        let string = |v: &Value| {
            data["strings"][v.as_u64().unwrap() as usize]
                .as_str()
                .unwrap()
                .to_string()
        };
        // 0.21.2 → 0.23.5 on 3.13t: 0.21.2 refuses 3.13t, so the user starts on 3.12.
        let answer = data["upgrades"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u[0] == 0 && u[1] == 2 && u[2] == 1)
            .unwrap();
        assert_eq!(answer[3], 0, "starts from 3.12");
        assert_eq!(
            string(&answer[4]),
            "0.23.5 builds for Python 3.13t (✓ builds: 0 of 3 work, ◐ 1 more with the GIL re-enabled); 0.21.2 refused it: \
             “the Python interpreter was built with the GIL disabled, which is not yet supported”."
        );
        let patterns: Vec<&str> = data["patterns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        let kinds: Vec<&str> = data["moves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["word"].as_str().unwrap())
            .collect();
        let moves: Vec<(&str, &str)> = answer[5]
            .as_array()
            .unwrap()
            .chunks(2)
            .map(|m| {
                (
                    patterns[m[0].as_u64().unwrap() as usize],
                    kinds[m[1].as_u64().unwrap() as usize],
                )
            })
            .collect();
        // static_ref_exit crashed at the start, so it is not followed; async_future has no
        // 3.13t cell to compare.
        assert_eq!(moves, [("vec_u8_return", "breaks"), ("gilref_any_arg", "breaks")]);
    }

    #[test]
    fn logs_and_stacks_wait_in_the_details_file_and_long_texts_are_cut() {
        let mut results = fixture::results();
        let long_log = format!("{}\nerror: the end\n", "a noisy build line\n".repeat(50_000));
        let long_message = "m".repeat(5_000);
        let gilref = &mut results.results[1];
        gilref.log = Some(long_log.clone());
        gilref.message = Some(long_message.clone());
        let files = drawn(&results);
        let page = &files["index.html"];
        assert!(!page.contains("Segmentation fault"), "no stack in the page");
        assert!(!page.contains("a noisy build line"), "no log in the page");
        assert!(!page.contains(&long_message), "the message is cut");
        assert!(page.contains(&format!("{}…", "m".repeat(page_data::MESSAGE_CHARS - 1))));
        assert!(page.len() < 100_000, "the fixture's page weighs {} bytes", page.len());
        let details = &files["cells/gilref_any_arg.js"];
        assert!(details.starts_with("pyo3MatrixDetails(\"gilref_any_arg\", {"));
        assert!(details.contains("error: the end") && details.contains(&long_message));
        assert!(
            details.len() < details::LOG_CHARS + 2 * long_message.len() + 5_000,
            "the log is cut to its tail"
        );
        assert!(files["cells/static_ref_exit.js"].contains("Fatal Python error: Segmentation fault"));
    }
}
