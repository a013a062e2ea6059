use pyo3::prelude::*;
use pyo3::types::PyList;

#[pyfunction]
fn list_len(x: &Bound<'_, PyAny>) -> PyResult<usize> {
    Ok(x.downcast::<PyList>()?.len())
}

#[pymodule]
fn downcast_bound(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(list_len, m)?)?;
    Ok(())
}
