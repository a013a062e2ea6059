use pyo3::prelude::*;
use numpy::PyReadonlyArray2;

#[pyfunction]
fn data_ptr(arr: PyReadonlyArray2<'_, f64>) -> usize {
    arr.as_array().as_ptr() as usize
}

#[pymodule]
fn numpy_readonly_zero_copy(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(data_ptr, m)?)?;
    Ok(())
}
