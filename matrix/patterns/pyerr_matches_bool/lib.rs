use pyo3::prelude::*;
use pyo3::exceptions::PyKeyError;

#[pyfunction]
fn is_key_error(py: Python<'_>, code: &str) -> bool {
    let err = py.run_bound(code, None, None).unwrap_err();
    err.matches(py, py.get_type_bound::<PyKeyError>())
}

#[pymodule]
fn pyerr_matches_bool(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(is_key_error, m)?)?;
    Ok(())
}
