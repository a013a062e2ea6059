use pyo3::prelude::*;
use pyo3::types::PyLong;

#[pyfunction]
fn is_int(x: &Bound<'_, PyAny>) -> bool {
    x.is_instance_of::<PyLong>()
}

#[pymodule]
fn pylong_type(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(is_int, m)?)?;
    Ok(())
}
