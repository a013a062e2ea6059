use pyo3::prelude::*;

fn get_len(x: &PyAny) -> PyResult<usize> {
    x.len()
}

#[pyfunction]
fn f(#[pyo3(from_py_with = "get_len")] n: usize) -> usize {
    n
}

#[pymodule]
fn from_py_with_string(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(f, m)?)?;
    Ok(())
}
