use pyo3::prelude::*;
use pyo3::types::PyLong;

#[pyfunction]
fn is_int(x: &PyAny) -> bool {
    x.is_instance_of::<PyLong>()
}

#[pymodule]
fn pylong_type(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(is_int, m)?)?;
    Ok(())
}
