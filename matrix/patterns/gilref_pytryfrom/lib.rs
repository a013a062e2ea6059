use pyo3::prelude::*;
use pyo3::types::PyList;
use pyo3::PyTryFrom;

#[pyfunction]
fn list_len(x: &PyAny) -> PyResult<usize> {
    Ok(<PyList as PyTryFrom>::try_from(x)?.len())
}

#[pymodule]
fn gilref_pytryfrom(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(list_len, m)?)?;
    Ok(())
}
