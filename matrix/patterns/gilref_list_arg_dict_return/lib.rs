use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

#[pyfunction]
fn process(py: Python, list: &PyList) -> PyResult<&PyDict> {
    let result = PyDict::new(py);
    for item in list.iter() {
        result.set_item(item, item)?;
    }
    Ok(result)
}

#[pymodule]
fn gilref_list_arg_dict_return(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(process, m)?)?;
    Ok(())
}
