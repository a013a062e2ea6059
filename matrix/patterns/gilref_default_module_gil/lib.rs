use pyo3::prelude::*;

#[pyfunction]
fn one() -> i64 {
    1
}

#[pymodule]
fn default_module_gil(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(one, m)?)?;
    Ok(())
}
