use pyo3::prelude::*;
use pyo3::types::PyDict;

#[pyfunction]
fn get_a(d: &PyDict) -> Option<i64> {
    d.get_item("a").and_then(|v| v.extract().ok())
}

#[pymodule]
fn dict_get_item_option(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(get_a, m)?)?;
    Ok(())
}
