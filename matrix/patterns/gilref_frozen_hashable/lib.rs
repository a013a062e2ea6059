use pyo3::prelude::*;

#[pyclass(frozen)]
struct Point {
    #[pyo3(get)]
    x: i64,
    #[pyo3(get)]
    y: i64,
}

#[pymethods]
impl Point {
    #[new]
    fn new(x: i64, y: i64) -> Self {
        Point { x, y }
    }
}

#[pymodule]
fn frozen_hashable(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Point>()?;
    Ok(())
}
