use pyo3::prelude::*;
use std::sync::atomic::{AtomicI64, Ordering};

#[pyclass(frozen)]
struct Counter {
    n: AtomicI64,
}

#[pymethods]
impl Counter {
    #[new]
    fn new() -> Self {
        Counter { n: AtomicI64::new(0) }
    }

    fn inc(&self) -> i64 {
        self.n.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn value(&self) -> i64 {
        self.n.load(Ordering::Relaxed)
    }
}

#[pymodule]
fn frozen_atomic_counter(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Counter>()?;
    Ok(())
}
