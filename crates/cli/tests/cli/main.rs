//! The `pyo3-matrix` binary's tests: real commands on real cells, fixtures and reports.

mod architecture;
mod cache;
mod ci_crate;
mod cli_errors;
mod common;
mod docs_figures;
mod exact_patches;
mod front_doors;
mod installed;
mod migrate;
mod project_workflows;
mod reports;
mod results_files;
mod robustness;
mod run_writes;
mod scan_crates;
mod twins;
mod variants;
mod workflows;
