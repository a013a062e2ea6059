use pyo3::prelude::*;
use std::sync::OnceLock;

static KEPT: OnceLock<Py<PyAny>> = OnceLock::new();

#[pyfunction]
fn keep(obj: Py<PyAny>) -> bool {
    KEPT.set(obj).is_ok()
}

#[pymodule]
fn static_pyobject_at_exit(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(keep, m)?)?;
    Ok(())
}
