use pyo3::prelude::*;

#[pyfunction]
fn registered() -> i64 {
    1
}

#[pyfunction]
fn forgotten() -> i64 {
    2
}

#[pymodule]
fn unregistered_function(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(registered, m)?)?;
    Ok(())
}
