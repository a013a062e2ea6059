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

    /// A read-modify-write that holds the `&mut` borrow for a moment.
    fn add(&mut self, x: i64) {
        let before = self.v;
        for _ in 0..200 {
            std::hint::black_box(&self.v);
        }
        self.v = before + x;
    }

    #[getter]
    fn v(&self) -> i64 {
        self.v
    }
}

#[pymodule]
fn mut_self_from_threads(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Acc>()?;
    Ok(())
}
