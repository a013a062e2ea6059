use pyo3::prelude::*;
use std::rc::Rc;

#[pyclass]
struct Shared {
    value: Rc<i64>,
}

#[pymethods]
impl Shared {
    #[new]
    fn new(v: i64) -> Self {
        Shared { value: Rc::new(v) }
    }

    fn get(&self) -> i64 {
        *self.value
    }
}

#[pymodule]
fn non_send_field(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Shared>()?;
    Ok(())
}
