use pyo3::prelude::*;
use pyo3::types::PyList;

#[pyfunction]
fn make<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, [1, 2, 3])
}

#[pymodule]
fn bound_list_new_fallible(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(make, m)?)?;
    Ok(())
}
