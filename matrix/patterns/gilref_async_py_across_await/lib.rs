use pyo3::prelude::*;
use pyo3::types::PyDict;

#[pyfunction]
fn same_later<'py>(py: Python<'py>, d: &'py PyDict) -> PyResult<&'py PyAny> {
    let d: Py<PyDict> = d.into();
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        Ok(d)
    })
}

#[pymodule]
fn async_py_across_await(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(same_later, m)?)?;
    Ok(())
}
