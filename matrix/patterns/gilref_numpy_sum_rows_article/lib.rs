use pyo3::prelude::*;
use numpy::ndarray::{Array2, Axis};
use numpy::{PyArray2, PyReadonlyArray2, ToPyArray};

#[pyfunction]
fn sum_rows<'py>(py: Python<'py>, arr: PyReadonlyArray2<'py, f64>) -> PyResult<&'py PyArray2<f64>> {
    let view = arr.as_array(); // Zero-copy view
    let result: Array2<f64> = view.sum_axis(Axis(1)).insert_axis(Axis(1));
    Ok(result.to_pyarray(py))
}

#[pymodule]
fn numpy_sum_rows_article(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sum_rows, m)?)?;
    Ok(())
}
