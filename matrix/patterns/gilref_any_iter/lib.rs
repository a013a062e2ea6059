use pyo3::prelude::*;

#[pyfunction]
fn count_items(x: &PyAny) -> PyResult<usize> {
    let mut n = 0;
    for item in x.iter()? {
        item?;
        n += 1;
    }
    Ok(n)
}

#[pymodule]
fn any_iter(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(count_items, m)?)?;
    Ok(())
}
