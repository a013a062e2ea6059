//! The engine's tests: real cells built with real PyO3 releases and tested with real pytest
//! through the engine's one entry point ([`Session`](pyo3_matrix_engine::session::Session)),
//! and the test host on its own. A small subset of releases and interpreters keeps CI short.

mod cells;
mod common;
mod interpreters;
mod test_host;
