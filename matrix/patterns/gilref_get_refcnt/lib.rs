use pyo3::prelude::*;

#[pyfunction]
fn refcount(py: Python<'_>, o: Py<PyAny>) -> isize {
    o.get_refcnt(py)
}

#[pymodule]
fn get_refcnt(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(refcount, m)?)?;
    Ok(())
}
