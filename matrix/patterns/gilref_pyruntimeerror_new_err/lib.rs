use pyo3::prelude::*;
use pyo3::exceptions::PyRuntimeError;

#[pyfunction]
fn boom() -> PyResult<()> {
    Err(PyRuntimeError::new_err("boom"))
}

#[pymodule]
fn pyruntimeerror_new_err(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(boom, m)?)?;
    Ok(())
}
