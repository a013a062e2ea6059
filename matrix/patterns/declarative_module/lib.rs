use pyo3::prelude::*;

#[pyfunction]
fn double(x: i64) -> i64 {
    x * 2
}

#[pymodule]
mod declarative_module {
    #[pymodule_export]
    use super::double;
}
