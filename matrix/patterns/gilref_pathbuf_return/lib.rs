use pyo3::prelude::*;

#[pyfunction]
fn tmp() -> std::path::PathBuf {
    "/tmp".into()
}

#[pymodule]
fn pathbuf_return(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(tmp, m)?)?;
    Ok(())
}
