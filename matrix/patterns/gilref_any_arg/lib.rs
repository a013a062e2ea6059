use pyo3::prelude::*;

#[pyfunction]
fn length(x: &PyAny) -> PyResult<usize> {
    x.len()
}

#[pymodule]
fn gilref_any_arg(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(length, m)?)?;
    Ok(())
}
