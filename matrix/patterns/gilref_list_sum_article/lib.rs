use pyo3::prelude::*;
use pyo3::types::PyList;

#[pyfunction]
fn add(py: Python, list: &PyList) -> PyResult<i64> {
    let _ = py;
    let mut total = 0;
    for item in list.iter() {
        total += item.extract::<i64>()?;
    }
    Ok(total)
}

#[pymodule]
fn gilref_list_sum_article(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(add, m)?)?;
    Ok(())
}
