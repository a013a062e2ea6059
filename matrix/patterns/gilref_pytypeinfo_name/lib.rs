use pyo3::prelude::*;
use pyo3::type_object::PyTypeInfo;
use pyo3::types::PyList;

#[pyfunction]
fn list_name() -> &'static str {
    <PyList as PyTypeInfo>::NAME
}

#[pymodule]
fn pytypeinfo_name(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(list_name, m)?)?;
    Ok(())
}
