use pyo3::prelude::*;
use pyo3::types::PyList;

#[pyfunction]
fn make<'py>(py: Python<'py>) -> Bound<'py, PyList> {
    PyList::new_bound(py, [1, 2, 3])
}

#[pymodule]
fn bound_new_bound(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(make, m)?)?;
    Ok(())
}
