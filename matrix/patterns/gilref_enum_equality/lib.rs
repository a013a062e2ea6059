use pyo3::prelude::*;

#[pyclass]
#[derive(Clone)]
enum Color {
    Red,
    Green,
}

#[pyfunction]
fn red() -> Color {
    Color::Red
}

#[pymodule]
fn enum_equality(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(red, m)?)?;
    m.add_class::<Color>()?;
    Ok(())
}
