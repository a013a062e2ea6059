use pyo3::prelude::*;

#[pyfunction]
fn ident(o: PyObject) -> PyObject {
    o
}

#[pymodule]
fn pyobject_alias(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(ident, m)?)?;
    Ok(())
}
