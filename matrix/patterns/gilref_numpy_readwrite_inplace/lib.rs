use pyo3::prelude::*;
use numpy::PyReadwriteArray2;

#[pyfunction]
fn scale_inplace(mut arr: PyReadwriteArray2<'_, f64>, factor: f64) {
    arr.as_array_mut().mapv_inplace(|x| x * factor);
}

#[pymodule]
fn numpy_readwrite_inplace(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scale_inplace, m)?)?;
    Ok(())
}
