use pyo3::prelude::*;
use rayon::prelude::*;

#[pyfunction]
fn total(_py: Python<'_>, n: u64) -> u64 {
    (0..n).into_par_iter().map(|i| Python::with_gil(|_| i)).sum()
}

#[pymodule]
fn rayon_with_gil_deadlock(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(total, m)?)?;
    Ok(())
}
