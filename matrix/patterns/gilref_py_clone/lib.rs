use pyo3::prelude::*;

#[derive(Clone)]
struct Holder {
    obj: Py<PyAny>,
}

#[pyfunction]
fn twice(py: Python<'_>, o: Py<PyAny>) -> (Py<PyAny>, Py<PyAny>) {
    let h = Holder { obj: o };
    let copy = h.clone();
    let _ = py;
    (h.obj, copy.obj)
}

#[pymodule]
fn py_clone(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(twice, m)?)?;
    Ok(())
}
