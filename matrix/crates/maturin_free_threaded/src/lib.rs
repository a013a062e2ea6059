//! The smallest extension module maturin can package: one function. Built by several
//! maturin releases (`scan --maturin`), it shows which of them package PyO3 0.22 for
//! each interpreter, the free-threaded one included.

use pyo3::prelude::*;

#[pyfunction]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[pymodule]
fn maturin_free_threaded(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(add, m)?)
}
