use pyo3::prelude::*;

#[pyfunction]
fn decode(data: &[u8]) -> PyResult<String> {
    Ok(String::from_utf8(data.to_vec())?)
}

#[pymodule]
fn from_utf8_error_into_pyerr(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(decode, m)?)?;
    Ok(())
}
