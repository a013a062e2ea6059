use pyo3::prelude::*;

#[pyfunction]
fn three() -> Vec<u8> {
    vec![1, 2, 3]
}

#[pymodule]
fn vec_u8_return(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(three, m)?)?;
    Ok(())
}
