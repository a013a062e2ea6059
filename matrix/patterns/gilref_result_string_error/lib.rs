use pyo3::prelude::*;

#[pyfunction]
fn half(x: i64) -> Result<i64, String> {
    if x % 2 == 0 {
        Ok(x / 2)
    } else {
        Err(format!("{x} is odd"))
    }
}

#[pymodule]
fn result_string_error(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(half, m)?)?;
    Ok(())
}
