//! `results.csv`: one row per result, for spreadsheets.

use pyo3_matrix_model::RunResults;

/// The header row.
const COLUMNS: &str = "pattern,pyo3,python,variant,outcome,codes,message,failed_test,exception,\
escape_hatch,signal,gil_reenabled,build_s,test_s\n";

/// A field quoted as RFC 4180 asks when it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// One row per (pattern, release, interpreter, variant), in the run's order.
pub fn render(results: &RunResults) -> String {
    let mut out = String::from(COLUMNS);
    for r in &results.results {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let failure = r.failure.as_ref();
        let row = [
            r.id.pattern.clone(),
            r.id.pyo3.to_string(),
            r.id.python.to_string(),
            text(&r.id.variant),
            r.outcome.to_string(),
            r.codes.join(" "),
            text(&r.message),
            failure.map(|f| f.test.clone()).unwrap_or_default(),
            failure.and_then(|f| f.exception.clone()).unwrap_or_default(),
            text(&r.escape_hatch),
            text(&r.signal),
            r.gil_reenabled.map(|g| g.to_string()).unwrap_or_default(),
            format!("{:.2}", r.timings.build_s),
            format!("{:.2}", r.timings.test_s),
        ];
        out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::fixture;

    #[test]
    fn one_row_per_result_with_quoted_fields() {
        let mut results = fixture::results();
        results.results[0].message = Some("expected `a, b`, got \"c\"\nsecond line".into());
        let csv = super::render(&results);
        let header_fields = csv.lines().next().unwrap().split(',').count();
        assert_eq!(header_fields, 14);
        assert!(csv.contains(
            "gilref_any_arg,0.21.2,3.12,,deprecated,deprecated,\"expected `a, b`, got \"\"c\"\"\nsecond line\",,,,,,0.00,0.00\n"
        ));
        assert!(csv.contains(
            "vec_u8_return,0.23.5,3.13t,,test-fail,,\"AssertionError: [104, 105] is not bytes at 0x7f3c43748e10\",\
             test_vec_u8_return.py::test_returns_bytes,AssertionError,,,true,0.00,0.00\n"
        ));
        assert_eq!(
            csv.matches("\n").count(),
            1 + results.results.len() + 1,
            "one quoted line break"
        );
    }
}
