use pyo3::prelude::*;

#[pyclass]
struct Point {
    x: i64,
}

#[pymethods]
impl Point {
    #[new]
    fn new(x: i64) -> Self {
        Point { x }
    }

    fn get_x(slf: &PyCell<Self>) -> i64 {
        slf.borrow().x
    }
}

#[pymodule]
fn gilref_pycell_receiver(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Point>()?;
    Ok(())
}
