use pyo3::prelude::*;

pyo3::import_exception_bound!(json, JSONDecodeError);

#[pyfunction]
fn fail() -> PyResult<()> {
    Err(JSONDecodeError::new_err(("bad json", "{", 1)))
}

#[pymodule]
fn import_exception_bound(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fail, m)?)?;
    Ok(())
}
