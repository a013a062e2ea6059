use pyo3::prelude::*;
use pyo3::types::PyList;

fn square(x: f64) -> f64 {
    x * x
}

#[pyfunction]
fn process_list(py: Python, list: &PyList) -> Vec<f64> {
    // Extract into Vec while holding the GIL:
    let data: Vec<f64> = list.extract().unwrap();
    // Compute without the GIL:
    py.allow_threads(|| data.into_iter().map(square).collect())
}

#[pymodule]
fn article_process_list(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(process_list, m)?)?;
    Ok(())
}
