//! Property-based fuzzing of every parser that reads user input or data files: none may
//! panic, and whatever they accept must round-trip. Bounded by proptest's case count.

use proptest::prelude::*;
use pyo3_matrix_model::{Flavor, MatrixDef, Release, ReleaseSelector, RunResults, Shard};

fn known() -> Vec<Release> {
    ["0.19.2", "0.20.3", "0.21.2", "0.22.6", "0.23.5"]
        .iter()
        .map(|v| Release::parse(v).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn release_selectors_never_panic(text in "[0-9.,= ]{0,24}") {
        if let Ok(sel) = text.parse::<ReleaseSelector>() {
            if let Ok(found) = sel.resolve(&known()) {
                prop_assert!(found.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
            }
        }
    }

    #[test]
    fn flavors_round_trip(text in "[0-9.t]{0,8}") {
        if let Ok(f) = Flavor::parse(&text) {
            prop_assert_eq!(Flavor::parse(&f.to_string()).unwrap(), f);
        }
    }

    #[test]
    fn shards_are_in_range(text in "[0-9/]{0,8}") {
        if let Ok(s) = text.parse::<Shard>() {
            prop_assert!(s.index >= 1 && s.index <= s.count);
        }
    }

    #[test]
    fn matrix_definitions_never_panic(text in "(python = \\[\"3\\.1[23]t?\"\\]\n)?(\\[\\[release\\]\\]\nversion = \"0\\.[0-9]{1,2}\\.[0-9]\"\n){0,3}[a-z =\"\\[\\]\n]{0,30}") {
        let _ = MatrixDef::parse(&text);
    }

    #[test]
    fn results_files_never_panic(text in "\\{\"schema_version\": [0-9], \"results\": \\[[a-z:,\"{} ]{0,40}\\]\\}") {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        std::fs::write(&path, &text).unwrap();
        let _ = RunResults::load(&path);
    }
}
