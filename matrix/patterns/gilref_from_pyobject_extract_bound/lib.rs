use pyo3::prelude::*;

struct Meters(f64);

impl<'source> FromPyObject<'source> for Meters {
    fn extract(ob: &'source PyAny) -> PyResult<Self> {
        Ok(Meters(ob.extract()?))
    }
}

#[pyfunction]
fn double(m: Meters) -> f64 {
    m.0 * 2.0
}

#[pymodule]
fn from_pyobject_extract_bound(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(double, m)?)?;
    Ok(())
}
