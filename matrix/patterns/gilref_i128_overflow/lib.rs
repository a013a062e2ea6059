use pyo3::prelude::*;

#[pyfunction]
fn echo(x: i128) -> i128 {
    x
}

#[pymodule]
fn i128_overflow(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(echo, m)?)?;
    Ok(())
}
