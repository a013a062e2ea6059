use pyo3::prelude::*;

#[pyclass(subclass)]
struct Base {}

#[pyclass(extends = Base)]
struct Sub {}

#[pymethods]
impl Sub {
    #[new]
    fn new() -> (Self, Base) {
        (Sub {}, Base {})
    }
}

#[pymodule]
fn tuple_new_subclass(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Base>()?;
    m.add_class::<Sub>()?;
    Ok(())
}
