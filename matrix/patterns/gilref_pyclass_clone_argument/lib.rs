use pyo3::prelude::*;

#[pyclass]
#[derive(Clone)]
struct Point {
    #[pyo3(get)]
    x: i64,
}

#[pyfunction]
fn origin() -> Point {
    Point { x: 0 }
}

#[pyfunction]
fn px(p: Point) -> i64 {
    p.x
}

#[pymodule]
fn pyclass_clone_argument(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(origin, m)?)?;
    m.add_function(wrap_pyfunction!(px, m)?)?;
    m.add_class::<Point>()?;
    Ok(())
}
