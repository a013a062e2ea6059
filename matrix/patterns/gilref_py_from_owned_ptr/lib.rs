use pyo3::prelude::*;

#[pyfunction]
fn fresh_list(py: Python<'_>) -> Py<PyAny> {
    // SAFETY: PyList_New returns a new reference (or null, which from_owned_ptr panics on).
    unsafe { Py::from_owned_ptr(py, pyo3::ffi::PyList_New(0)) }
}

#[pymodule]
fn py_from_owned_ptr(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fresh_list, m)?)?;
    Ok(())
}
