use pyo3::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

static INITS: AtomicUsize = AtomicUsize::new(0);

/// How many times the #[pymodule] function has run in this process.
#[pyfunction]
fn inits() -> usize {
    INITS.load(Ordering::SeqCst)
}

#[pymodule]
fn module_init_twice(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    INITS.fetch_add(1, Ordering::SeqCst);
    m.add_function(wrap_pyfunction!(inits, m)?)?;
    Ok(())
}
