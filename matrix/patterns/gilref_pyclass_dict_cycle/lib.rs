use pyo3::prelude::*;

#[pyclass(dict, weakref)]
struct Node {}

#[pymethods]
impl Node {
    #[new]
    fn new() -> Self {
        Node {}
    }
}

#[pymodule]
fn pyclass_dict_cycle(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Node>()?;
    Ok(())
}
