use pyo3::prelude::*;
use pyo3::types::PyList;

#[pyfunction]
fn make(py: Python<'_>, n: usize) -> &PyList {
    PyList::new(py, 0..n)
}

#[pymodule]
fn gilref_threads(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(make, m)?)?;
    Ok(())
}
