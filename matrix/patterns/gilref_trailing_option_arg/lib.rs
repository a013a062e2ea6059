use pyo3::prelude::*;

#[pyfunction]
fn add(x: i64, y: Option<i64>) -> i64 {
    x + y.unwrap_or(100)
}

#[pymodule]
fn trailing_option_arg(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(add, m)?)?;
    Ok(())
}
