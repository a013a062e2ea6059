use pyo3::prelude::*;

#[pyfunction]
fn parse(text: &str) -> i64 {
    text.parse::<i64>().unwrap()
}

#[pymodule]
fn panic_exception(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    Ok(())
}
