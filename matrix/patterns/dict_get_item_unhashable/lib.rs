use pyo3::prelude::*;
use pyo3::types::PyDict;

/// `PyDict::get_item` returns `Option<_>` on 0.19 and `PyResult<Option<_>>` from 0.20;
/// this trait lets the same source read either.
trait Found {
    fn found(self) -> PyResult<bool>;
}

impl<T> Found for Option<T> {
    fn found(self) -> PyResult<bool> {
        Ok(self.is_some())
    }
}

impl<T> Found for PyResult<Option<T>> {
    fn found(self) -> PyResult<bool> {
        self.map(|o| o.is_some())
    }
}

#[pyfunction]
fn has_key(d: &PyDict, key: &PyAny) -> PyResult<bool> {
    d.get_item(key).found()
}

#[pymodule]
fn dict_get_item_unhashable(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(has_key, m)?)?;
    Ok(())
}
