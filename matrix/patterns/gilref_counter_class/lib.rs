use pyo3::prelude::*;

#[pyclass]
struct Counter {
    count: u64,
}

#[pymethods]
impl Counter {
    #[new]
    fn new() -> Self {
        Counter { count: 0 }
    }

    fn increment(&mut self, by: u64) {
        self.count += by;
    }

    fn get(&self) -> u64 {
        self.count
    }

    fn __repr__(&self) -> String {
        format!("Counter(count={})", self.count)
    }
}

#[pymodule]
fn counter_class(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Counter>()?;
    Ok(())
}
