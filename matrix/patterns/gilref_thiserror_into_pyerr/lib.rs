use pyo3::prelude::*;
use pyo3::exceptions::{PyIOError, PyValueError};
use thiserror::Error;

#[derive(Error, Debug)]
pub enum MyError {
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

impl From<MyError> for PyErr {
    fn from(err: MyError) -> PyErr {
        match err {
            MyError::InvalidInput(msg) => PyValueError::new_err(msg),
            MyError::Io(e) => PyIOError::new_err(e.to_string()),
        }
    }
}

#[pyfunction]
fn read_file(path: &str) -> PyResult<String> {
    Ok(std::fs::read_to_string(path).map_err(MyError::Io)?)
}

#[pyfunction]
fn check(x: i64) -> PyResult<i64> {
    if x < 0 {
        return Err(MyError::InvalidInput(format!("{x} < 0")).into());
    }
    Ok(x)
}

#[pymodule]
fn thiserror_into_pyerr(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_file, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    Ok(())
}
