use pyo3::prelude::*;
use pyo3::types::PyList;

#[pyfunction]
fn list_len(x: &PyAny) -> PyResult<usize> {
    Ok(x.downcast::<PyList>()?.len())
}

#[pymodule]
fn downcast_bound(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(list_len, m)?)?;
    Ok(())
}
