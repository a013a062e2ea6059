use pyo3::prelude::*;

#[pyfunction]
fn items(py: Python<'_>) -> PyResult<Vec<&PyAny>> {
    Ok(vec![1i64.to_object(py).into_ref(py), "a".to_object(py).into_ref(py)])
}

#[pymodule]
fn vec_bound_return(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(items, m)?)?;
    Ok(())
}
