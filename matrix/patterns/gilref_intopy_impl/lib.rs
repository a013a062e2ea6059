use pyo3::prelude::*;

struct Wrapped(i64);

impl IntoPy<PyObject> for Wrapped {
    fn into_py(self, py: Python<'_>) -> PyObject {
        self.0.into_py(py)
    }
}

#[pyfunction]
fn seven() -> Wrapped {
    Wrapped(7)
}

#[pymodule]
fn intopy_impl(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(seven, m)?)?;
    Ok(())
}
