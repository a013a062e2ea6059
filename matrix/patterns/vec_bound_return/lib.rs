use pyo3::prelude::*;

#[pyfunction]
fn items<'py>(py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    Ok(vec![1i64.into_pyobject(py)?.into_any(), "a".into_pyobject(py)?.into_any()])
}

#[pymodule]
fn vec_bound_return(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(items, m)?)?;
    Ok(())
}
