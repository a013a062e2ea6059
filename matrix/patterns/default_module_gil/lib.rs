use pyo3::prelude::*;

#[pyfunction]
fn one() -> i64 {
    1
}

#[pymodule]
fn default_module_gil(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(one, m)?)?;
    Ok(())
}
