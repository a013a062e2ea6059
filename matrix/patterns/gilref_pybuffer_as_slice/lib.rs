use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

#[pyfunction]
fn total(py: Python<'_>, obj: &PyAny) -> PyResult<u64> {
    let buf = PyBuffer::<u8>::get(obj)?;
    let cells = buf
        .as_slice(py)
        .ok_or_else(|| PyValueError::new_err("not C-contiguous"))?;
    Ok(cells.iter().map(|c| c.get() as u64).sum())
}

#[pymodule]
fn pybuffer_as_slice(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(total, m)?)?;
    Ok(())
}
