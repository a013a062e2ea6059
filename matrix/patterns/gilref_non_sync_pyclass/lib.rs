use pyo3::prelude::*;
use std::cell::Cell;

#[pyclass]
struct Counter {
    count: Cell<i64>,
}

#[pymethods]
impl Counter {
    #[new]
    fn new() -> Self {
        Counter { count: Cell::new(0) }
    }

    fn bump(&self) -> i64 {
        self.count.set(self.count.get() + 1);
        self.count.get()
    }
}

#[pymodule]
fn non_sync_pyclass(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Counter>()?;
    Ok(())
}
