use pyo3::prelude::*;

#[pymodule]
fn pyfn_in_module(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    #[pyfn(m)]
    fn inc(x: i64) -> i64 {
        x + 1
    }
    Ok(())
}
