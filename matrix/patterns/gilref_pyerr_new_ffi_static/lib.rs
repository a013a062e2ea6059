use pyo3::prelude::*;
use pyo3::ffi::PyExc_RuntimeError;

#[pyfunction]
fn boom() -> PyResult<()> {
    Err(PyErr::new::<PyExc_RuntimeError, _>("boom"))
}

#[pymodule]
fn pyerr_new_ffi_static(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(boom, m)?)?;
    Ok(())
}
