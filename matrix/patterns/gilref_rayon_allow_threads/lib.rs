use pyo3::prelude::*;
use rayon::prelude::*;

#[pyfunction]
fn total(py: Python<'_>, n: u64) -> u64 {
    py.allow_threads(|| (0..n).into_par_iter().map(|i| i * 2).sum::<u64>() / 2)
}

#[pymodule]
fn rayon_allow_threads(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(total, m)?)?;
    Ok(())
}
