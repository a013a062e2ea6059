use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

#[pyfunction]
fn process<'py>(py: Python<'py>, list: &'py PyList) -> PyResult<&'py PyDict> {
    let result = PyDict::new(py);
    for item in list.iter() {
        result.set_item(item, item)?;
    }
    Ok(result)
}

#[pymodule]
fn bound_list_arg_dict_return(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(process, m)?)?;
    Ok(())
}
