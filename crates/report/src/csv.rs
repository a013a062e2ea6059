//! `results.csv`: one row per result, for spreadsheets.

use pyo3_matrix_model::RunResults;

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// One row per (pattern, release, interpreter, variant).
pub fn results(results: &RunResults) -> String {
    let mut out = String::from(
        "pattern,pyo3,python,variant,outcome,codes,message,escape_hatch,signal,gil_reenabled,build_s,test_s\n",
    );
    for r in &results.results {
        let row = [
            r.pattern.clone(),
            r.pyo3.clone(),
            r.python.clone(),
            r.variant.clone().unwrap_or_default(),
            r.outcome.to_string(),
            r.codes.join(" "),
            r.message.clone().unwrap_or_default(),
            r.escape_hatch.clone().unwrap_or_default(),
            r.signal.clone().unwrap_or_default(),
            r.gil_reenabled.map(|g| g.to_string()).unwrap_or_default(),
            format!("{:.2}", r.timings.build_s),
            format!("{:.2}", r.timings.test_s),
        ];
        out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}
