use pyo3::prelude::*;

#[pyfunction]
fn two(py: Python<'_>) -> PyResult<i64> {
    py.eval(c"1+1", None, None)?.extract()
}

#[pymodule]
fn py_eval_cstr(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(two, m)?)?;
    Ok(())
}
