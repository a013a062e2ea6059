//! The figures of README.md and docs/performance.md that count the committed data (how many
//! patterns, how many results) are checked against docs/results.json, so that neither can
//! go stale when the catalog grows.

use crate::common::{repo, results};
use std::collections::BTreeSet;

/// (patterns, results) of the committed default table.
fn committed() -> (usize, usize) {
    let run = results(&repo().join("docs/results.json"));
    let cells = run["results"].as_array().unwrap();
    let patterns: BTreeSet<&str> = cells.iter().map(|c| c["pattern"].as_str().unwrap()).collect();
    (patterns.len(), cells.len())
}

/// Every `N patterns` and `N results` of `text` that counts a whole table, as (N, noun):
/// a count followed by ` x ` is a subset (`12 patterns x 2 releases`) and is left out.
fn counts(text: &str) -> Vec<(usize, String)> {
    let figure = regex::Regex::new(r"\b(\d+) (patterns|results)\b( x )?").unwrap();
    figure
        .captures_iter(&text.replace('\n', " "))
        .filter(|c| c.get(3).is_none())
        .map(|c| (c[1].parse().unwrap(), c[2].to_string()))
        .collect()
}

#[test]
fn the_readme_counts_the_committed_data() {
    let (patterns, results) = committed();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let found = counts(&readme);
    assert!(
        found.len() >= 2,
        "README.md states how many patterns and results: {found:?}"
    );
    for (n, noun) in found {
        let expected = if noun == "patterns" { patterns } else { results };
        assert_eq!(
            n, expected,
            "README.md says {n} {noun}; docs/results.json has {expected}"
        );
    }
}

#[test]
fn performance_md_states_today_s_counts_first() {
    let (patterns, results) = committed();
    let page = std::fs::read_to_string(repo().join("docs/performance.md")).unwrap();
    let today = page
        .split("\n\n")
        .find(|p| p.starts_with("Today's default matrix"))
        .expect("docs/performance.md opens with today's default matrix");
    assert_eq!(
        counts(today)[..2],
        [(patterns, "patterns".to_string()), (results, "results".to_string())],
        "{today}"
    );
}
