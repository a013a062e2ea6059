use pyo3::prelude::*;

#[pyfunction]
fn locked_len(x: &Bound<'_, PyAny>) -> PyResult<usize> {
    pyo3::sync::with_critical_section(x, || x.len())
}

#[pymodule]
fn with_critical_section(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(locked_len, m)?)?;
    Ok(())
}
