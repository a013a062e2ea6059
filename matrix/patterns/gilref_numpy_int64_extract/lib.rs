use pyo3::prelude::*;

#[pyfunction]
fn plus_one(x: i64) -> i64 {
    x + 1
}

#[pymodule]
fn numpy_int64_extract(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(plus_one, m)?)?;
    Ok(())
}
