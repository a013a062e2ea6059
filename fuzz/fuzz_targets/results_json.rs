//! `RunResults::parse`, the door every results file comes through (`report`, `diff`,
//! `merge`, `plan`, `scan --catalog`): no input may panic it, and what it accepts must be
//! consistent and read back the same once written.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pyo3_matrix_model::RunResults;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz/results.json");
    let Ok(accepted) = RunResults::parse(text, path) else {
        return;
    };
    assert_eq!(accepted.validate(), Ok(()));
    let written = serde_json::to_string(&accepted).expect("an accepted file serializes");
    let back = match RunResults::parse(&written, path) {
        Ok(back) => back,
        Err(e) => panic!("accepted, written back, refused: {e}\n{written}"),
    };
    let (a, b) = (
        serde_json::to_value(&accepted).unwrap(),
        serde_json::to_value(&back).unwrap(),
    );
    assert_eq!(a, b, "changed by a round trip");
});

