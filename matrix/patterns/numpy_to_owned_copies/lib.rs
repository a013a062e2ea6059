use numpy::{PyArray2, PyArrayMethods};
use pyo3::prelude::*;

#[pyfunction]
fn owned_ptr(arr: &Bound<'_, PyArray2<f64>>) -> usize {
    arr.to_owned_array().as_ptr() as usize
}

#[pymodule]
fn numpy_to_owned_copies(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(owned_ptr, m)?)?;
    Ok(())
}
