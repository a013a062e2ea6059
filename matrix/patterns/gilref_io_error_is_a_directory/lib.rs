use pyo3::prelude::*;

#[pyfunction]
fn read(path: &str) -> PyResult<String> {
    Ok(std::fs::read_to_string(path)?)
}

#[pymodule]
fn io_error_is_a_directory(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read, m)?)?;
    Ok(())
}
