use pyo3::prelude::*;

#[pyclass]
struct Acc {
    v: i64,
}

#[pymethods]
impl Acc {
    #[new]
    fn new() -> Self {
        Acc { v: 0 }
    }

    fn add(&mut self, x: i64) {
        self.v += x;
    }

    #[getter]
    fn v(&self) -> i64 {
        self.v
    }
}

#[pymodule]
fn mut_self_from_threads(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Acc>()?;
    Ok(())
}
