use pyo3::prelude::*;

#[pyfunction]
fn none_is_none() -> bool {
    Python::with_gil(|py| py.None().is_none(py))
}

#[pymodule]
fn python_with_gil(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(none_is_none, m)?)?;
    Ok(())
}
