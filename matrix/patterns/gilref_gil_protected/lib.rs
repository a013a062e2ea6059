use pyo3::prelude::*;
use pyo3::sync::GILProtected;
use std::cell::RefCell;

static SEEN: GILProtected<RefCell<Vec<i64>>> = GILProtected::new(RefCell::new(Vec::new()));

#[pyfunction]
fn remember(py: Python<'_>, x: i64) -> usize {
    let mut seen = SEEN.get(py).borrow_mut();
    seen.push(x);
    seen.len()
}

#[pymodule]
fn gil_protected(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(remember, m)?)?;
    Ok(())
}
