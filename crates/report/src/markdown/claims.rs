//! `claims.md`: each claim from the catalog (the article's, PyO3's changelog's) beside what
//! was observed, with its verdict and the cells that decide it.

use super::{head, row, text};
use crate::claims::{check, sources, ClaimCheck, Verdict, RULE};
use crate::grid::Grid;
use crate::groups::spans;
use crate::legend::symbol;
use pyo3_matrix_model::{CellResult, Claim, Outcome};
use std::collections::BTreeMap;

/// The releases a claim names (`0.22`, `0.22 to 0.24`, `up to 0.20`, the release its source
/// writes for, or `any release`) and the variant it is about, if any: `0.22 on [abi3]`.
fn names(c: &Claim) -> String {
    let releases = match (&c.version, &c.until, &c.context) {
        (Some(v), Some(u), _) => format!("{v} to {u}"),
        (Some(v), None, _) => format!("{v} on"),
        (None, Some(u), _) => format!("up to {u}"),
        (None, None, Some(context)) => format!("no version; written for {context} on"),
        (None, None, None) => "any release".into(),
    };
    match &c.variant {
        Some(variant) => format!("{releases} [{variant}]"),
        None => releases,
    }
}

/// Cells listed by outcome: `✗ compile-error on 3.12: 0.22.6–0.23.5`, one per line.
fn by_outcome(grid: &Grid, cells: &[&CellResult]) -> Vec<String> {
    let mut kinds: BTreeMap<Outcome, Vec<&CellResult>> = BTreeMap::new();
    for &c in cells {
        kinds.entry(c.outcome).or_default().push(c);
    }
    kinds
        .into_iter()
        .map(|(o, cells)| format!("{} {o} on {}", symbol(o), spans(grid, &cells)))
        .collect()
}

/// A claim with its verdict, as Markdown: the quote, what it names and predicts, the
/// verdict with its reason, and the cells that decide it.
pub(super) fn checked(grid: &Grid, who: &str, claim: &Claim, checked: &ClaimCheck) -> String {
    let mut s = format!(
        "> {}\n\n— {who}. *Names:* {} · *Predicts:* `{}` · **Verdict: {}** — {}.\n\n",
        text(&claim.text).replace('\n', "\n> "),
        names(claim),
        claim.expect.map_or("nothing observable".to_string(), |e| e.to_string()),
        checked.verdict,
        checked.reason
    );
    let expect = claim.expect.map(|e| e.to_string()).unwrap_or_default();
    for (title, cells) in [
        (format!("Show '{expect}'"), &checked.matching),
        (format!("Do not show '{expect}'"), &checked.contrary),
        ("Already before the named version".to_string(), &checked.held_before),
    ] {
        if !cells.is_empty() {
            s.push_str(&format!("- {title}:\n"));
            for line in by_outcome(grid, cells) {
                s.push_str(&format!("  - {line}\n"));
            }
        }
    }
    s
}

/// The document.
pub fn render(grid: &Grid) -> String {
    let mut s = String::from("# Claims, checked against observations\n\n");
    s.push_str(&format!("How a verdict is reached: {RULE}\n\n"));
    let mut summary = head(["pattern", "who", "names", "predicts", "verdict"]);
    let mut body = String::new();
    let mut counts: BTreeMap<(&str, Verdict), usize> = BTreeMap::new();
    for p in grid.patterns() {
        for (who, claim) in sources(p) {
            let result = check(grid, p, claim);
            *counts.entry((who, result.verdict)).or_default() += 1;
            let anchor = format!("{}--{}", p.id, who.replace(['\'', ' '], "-").to_lowercase());
            summary.push_str(&row([
                format!("[{}](#{anchor})", p.id),
                who.to_string(),
                names(claim),
                claim.expect.map(|e| format!("`{e}`")).unwrap_or_default(),
                format!("**{}**", result.verdict),
            ]));
            body.push_str(&format!(
                "<a id=\"{anchor}\"></a>\n\n### [{}](patterns/{}.md), {who}\n\n{}\n",
                p.id,
                p.id,
                checked(grid, who, claim, &result)
            ));
        }
    }
    if counts.is_empty() {
        s.push_str("No pattern carries a claim yet.\n");
        return s;
    }
    let mut totals: Vec<String> = Vec::new();
    for ((who, verdict), n) in &counts {
        match totals.last_mut() {
            Some(line) if line.starts_with(who) => line.push_str(&format!(", {n} {verdict}")),
            _ => totals.push(format!("{who}: {n} {verdict}")),
        }
    }
    s.push_str(&format!(
        "## Summary\n\n{}.\n\n{summary}\n## Each claim\n\n{body}",
        totals.join("; ")
    ));
    s
}

#[cfg(test)]
mod tests {
    use crate::markdown::{assert_has, draw};

    #[test]
    fn verdicts_beside_the_cells_that_decide_them() {
        let doc = draw(super::render);
        assert_has(
            &doc,
            &[
                "PyO3's changelog: 1 confirmed; the article: 1 confirmed, 1 refuted, 1 partly.",
                "| [gilref_any_arg](#gilref_any_arg--the-article) | the article | 0.22 on | `breaks` | **confirmed** |",
                "| [vec_u8_return](#vec_u8_return--pyo3-s-changelog) | PyO3's changelog | 0.23 on | `test-fail` | **confirmed** |",
                "**Verdict: refuted** — none of the 2 counted cells in range shows 'works'",
                "  - ✗T test-fail on 3.12: 0.23.5; 3.13t: 0.23.5\n",
                // static_ref_exit: a crash, a hang and a pass: partly.
                "  - ∞ hang on 3.12: 0.22.6\n",
                "**Verdict: partly** — true until 0.21, not from 0.22; 1 of the 4 counted cells shows 'crash', the first that does not is 0.22.6/3.12 (hang)",
            ],
        );
    }
}
