use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;

static CELL: GILOnceCell<Py<PyAny>> = GILOnceCell::new();

#[pyfunction]
fn cached(py: Python<'_>) -> Py<PyAny> {
    CELL.get_or_init(py, || py.None()).clone_ref(py)
}

#[pymodule]
fn gil_once_cell(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cached, m)?)?;
    Ok(())
}
