use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use std::sync::atomic::{AtomicUsize, Ordering};

static CALLS: AtomicUsize = AtomicUsize::new(0);
static CELL: GILOnceCell<i64> = GILOnceCell::new();

/// The cached value; the first caller initialises it slowly (the thread stays attached).
#[pyfunction]
fn value(py: Python<'_>) -> i64 {
    *CELL.get_or_init(py, || {
        CALLS.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(200));
        42
    })
}

#[pyfunction]
fn init_calls() -> usize {
    CALLS.load(Ordering::SeqCst)
}

#[pymodule(gil_used = false)]
fn gil_once_cell_threads(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(value, m)?)?;
    m.add_function(wrap_pyfunction!(init_calls, m)?)?;
    Ok(())
}
