use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;

#[pyfunction]
fn key_error_matches(py: Python<'_>, exc_type: &PyAny) -> bool {
    let err = PyKeyError::new_err("k");
    err.matches(py, exc_type)
}

#[pymodule]
fn pyerr_matches_bool(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(key_error_matches, m)?)?;
    Ok(())
}
