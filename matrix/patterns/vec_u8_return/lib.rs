use pyo3::prelude::*;

#[pyfunction]
fn three() -> Vec<u8> {
    vec![1, 2, 3]
}

#[pymodule]
fn vec_u8_return(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(three, m)?)?;
    Ok(())
}
