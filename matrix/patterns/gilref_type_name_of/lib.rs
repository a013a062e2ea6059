use pyo3::prelude::*;

#[pyfunction]
fn type_name(x: &PyAny) -> PyResult<String> {
    let ty = x.get_type();
    let name = ty.name()?.to_string();
    Ok(name)
}

#[pymodule]
fn type_name_of(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(type_name, m)?)?;
    Ok(())
}
