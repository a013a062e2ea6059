use pyo3::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

static INSIDE: AtomicUsize = AtomicUsize::new(0);
static MOST: AtomicUsize = AtomicUsize::new(0);

/// Waits (without the GIL) until `expected` callers are inside at once, or gives up.
#[pyfunction]
fn meet(py: Python<'_>, expected: usize) -> usize {
    py.allow_threads(|| {
        let now = INSIDE.fetch_add(1, Ordering::SeqCst) + 1;
        MOST.fetch_max(now, Ordering::SeqCst);
        for _ in 0..2000 {
            if MOST.load(Ordering::SeqCst) >= expected {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        INSIDE.fetch_sub(1, Ordering::SeqCst);
        MOST.load(Ordering::SeqCst)
    })
}

#[pymodule]
fn allow_threads_overlap(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(meet, m)?)?;
    Ok(())
}
