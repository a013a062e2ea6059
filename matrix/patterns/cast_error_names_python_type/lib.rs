use pyo3::prelude::*;
use pyo3::types::PyList;

#[pyfunction]
fn size(x: &Bound<'_, PyList>) -> usize {
    x.len()
}

#[pymodule]
fn cast_error_names_python_type(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(size, m)?)?;
    Ok(())
}
