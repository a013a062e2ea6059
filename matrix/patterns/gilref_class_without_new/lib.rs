use pyo3::prelude::*;

#[pyclass]
struct NoNew {
    #[allow(dead_code)]
    v: i64,
}

#[pymodule]
fn class_without_new(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<NoNew>()?;
    Ok(())
}
