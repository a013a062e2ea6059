use numpy::PyArray2;
use pyo3::prelude::*;

#[pyfunction]
fn owned_ptr(arr: &PyArray2<f64>) -> usize {
    arr.to_owned_array().as_ptr() as usize
}

#[pymodule]
fn numpy_to_owned_copies(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(owned_ptr, m)?)?;
    Ok(())
}
