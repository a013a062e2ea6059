//! The interpreter columns of a run: each interpreter found where the user keeps it, or
//! provisioned where the matrix has a recipe and the caller allows it, with the test
//! environment its cells run pytest in. The one place that decides find-or-provision.

use crate::interpreters::{self, Interpreter, PythonArg};
use crate::plan::{Context, Found, Target};
use crate::{packages, provision, venv};
use anyhow::{bail, Context as _, Result};
use pyo3_matrix_model::Flavor;
use std::path::Path;

/// Free space below which a run refuses to start (one cell's target directory is about this).
const MIN_FREE_BYTES: u64 = 512 << 20;

/// Packages every test environment gets.
const TEST_PACKAGES: &[&str] = &["pytest", "numpy"];

/// Finds (and where allowed, provisions) each interpreter and its test environment.
///
/// A flavor that cannot be had becomes a column of `skipped` cells when `strict` is off
/// (the matrix goes on), and an error when it is on (`check` must say so and stop).
pub fn resolve(
    ctx: &Context,
    args: &[PythonArg],
    provision_missing: bool,
    strict: bool,
    note: &mut dyn FnMut(&str),
) -> Result<Vec<Target>> {
    // A full disk would otherwise surface as a confusing failure deep inside pip or cargo.
    if let Some(free) = ctx.dirs.free_bytes().filter(|free| *free < MIN_FREE_BYTES) {
        bail!(
            "not enough free space for the cache {}: {} MiB free, a run needs at least {} MiB",
            ctx.dirs.root().display(),
            free >> 20,
            MIN_FREE_BYTES >> 20
        );
    }
    let found = interpreters::discover(&ctx.dirs);
    let mut out = Vec::new();
    for arg in args {
        let (flavor, interp): (Flavor, Result<Interpreter, String>) = match arg {
            PythonArg::Path(path) => {
                let interp = interpreters::probe(path).with_context(|| format!("--python {}", path.display()))?;
                (interp.flavor, Ok(interp))
            }
            PythonArg::Flavor(flavor) => (
                *flavor,
                find_or_provision(ctx, *flavor, &found, provision_missing, note),
            ),
        };
        // The interpreter, then its test environment; a column that lacks either is skipped.
        let found = interp.and_then(
            |interp| match venv::test_python(&interp, &ctx.dirs, TEST_PACKAGES, note) {
                Ok(test_python) => Ok(Found::Ready { interp, test_python }),
                Err(e) => Err(format!(
                    "cannot prepare a test environment for {}: {e:#}",
                    interp.path.display()
                )),
            },
        );
        let found = match found {
            Ok(ready) => ready,
            Err(why) if strict => bail!("{why}"),
            Err(why) => {
                note(&format!("warning: {why}; its cells are marked skipped"));
                Found::Missing(why)
            }
        };
        out.push(Target { flavor, found });
    }
    Ok(out)
}

fn find_or_provision(
    ctx: &Context,
    flavor: Flavor,
    found: &[Interpreter],
    provision_missing: bool,
    note: &mut dyn FnMut(&str),
) -> Result<Interpreter, String> {
    if let Some(interp) = interpreters::find(flavor, found) {
        return Ok(interp);
    }
    if let Some(packages) = ctx.matrix.python_packages.get(&flavor) {
        return Err(packages::hint(flavor, packages));
    }
    let recipe = ctx.matrix.python_recipe.get(&flavor);
    match recipe {
        Some(recipe) if provision_missing => {
            note(&format!("no {flavor} interpreter found: provisioning CPython {} ({flavor})", recipe.version));
            provision::install(flavor, recipe, None, &ctx.dirs, note)
                .map_err(|e| format!("cannot provision Python {flavor}: {e:#}"))
        }
        Some(_) => Err(format!("no Python {flavor} interpreter found; run `pyo3-matrix python install {flavor}`")),
        None => Err(format!("no Python {flavor} interpreter found (on PATH, in pyenv or in {}), and matrix.toml has no recipe to provision one", ctx.dirs.pythons().display())),
    }
}

/// Installs `flavor` as `python install` asks: from the system's packages where the matrix
/// says it comes from them, else built from its recipe's tarball (`tarball`, or downloaded).
pub fn install(
    ctx: &Context,
    flavor: Flavor,
    tarball: Option<&Path>,
    note: &mut dyn FnMut(&str),
) -> Result<Interpreter> {
    if let Some(packages) = ctx.matrix.python_packages.get(&flavor) {
        if tarball.is_some() {
            bail!("--tarball: Python {flavor} comes from the system's packages, not from a tarball");
        }
        return packages::install(flavor, packages, &ctx.dirs, note);
    }
    let Some(recipe) = ctx.matrix.python_recipe.get(&flavor) else {
        bail!("no recipe for Python {flavor} in matrix/matrix.toml ([python_recipe.\"{flavor}\"])");
    };
    if let Some(t) = tarball.filter(|t| !t.is_file()) {
        bail!("--tarball {}: no such file", t.display());
    }
    provision::install(flavor, recipe, tarball, &ctx.dirs, note)
        .with_context(|| format!("cannot provision Python {flavor}"))
}
