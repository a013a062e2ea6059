use pyo3::prelude::*;
use std::rc::Rc;

#[pyclass(unsendable)]
struct Local {
    value: Rc<i64>,
}

#[pymethods]
impl Local {
    #[new]
    fn new(v: i64) -> Self {
        Local { value: Rc::new(v) }
    }

    fn get(&self) -> i64 {
        *self.value
    }
}

#[pymodule]
fn unsendable_class(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Local>()?;
    Ok(())
}
