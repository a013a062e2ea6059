use pyo3::prelude::*;

#[pyfunction]
fn answer_later(py: Python<'_>) -> PyResult<&PyAny> {
    pyo3_async_runtimes::tokio::future_into_py(py, async {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        Ok(42)
    })
}

#[pymodule]
fn async_future_into_py(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(answer_later, m)?)?;
    Ok(())
}
