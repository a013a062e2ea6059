use pyo3::prelude::*;
use pyo3::types::PyList;

#[pyfunction]
fn make(py: Python<'_>) -> &PyList {
    PyList::new(py, [1, 2, 3])
}

#[pymodule]
fn gilref_list_return(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(make, m)?)?;
    Ok(())
}
