use pyo3::prelude::*;
use pyo3::types::PyList;

#[pyfunction]
fn size(x: &PyList) -> usize {
    x.len()
}

#[pymodule]
fn cast_error_names_python_type(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(size, m)?)?;
    Ok(())
}
