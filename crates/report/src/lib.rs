//! Reports: pure functions from results to documents.
