use pyo3::prelude::*;

#[pyfunction]
fn five(py: Python<'_>) -> PyObject {
    5i32.to_object(py)
}

#[pymodule]
fn to_object_pyobject(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(five, m)?)?;
    Ok(())
}
