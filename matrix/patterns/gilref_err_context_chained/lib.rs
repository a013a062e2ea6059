use pyo3::prelude::*;
use pyo3::exceptions::PyValueError;

#[pyfunction]
fn fail() -> PyResult<()> {
    Err(PyValueError::new_err("x"))
}

#[pymodule]
fn err_context_chained(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fail, m)?)?;
    Ok(())
}
