use pyo3::prelude::*;

#[pyfunction]
fn one() -> i64 {
    1
}

#[pymodule(gil_used = false)]
fn gil_used_false(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(one, m)?)?;
    Ok(())
}
