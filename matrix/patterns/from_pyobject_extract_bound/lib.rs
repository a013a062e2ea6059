use pyo3::prelude::*;

struct Meters(f64);

impl<'py> FromPyObject<'py> for Meters {
    fn extract_bound(ob: &Bound<'py, PyAny>) -> PyResult<Self> {
        Ok(Meters(ob.extract()?))
    }
}

#[pyfunction]
fn double(m: Meters) -> f64 {
    m.0 * 2.0
}

#[pymodule]
fn from_pyobject_extract_bound(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(double, m)?)?;
    Ok(())
}
