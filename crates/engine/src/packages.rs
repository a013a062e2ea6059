//! Interpreters that come from the system's package manager (PyPy from Debian's `pypy3`),
//! where the matrix builds none itself. Only `pyo3-matrix python install` installs them:
//! a run never changes the system's packages.

use crate::interpreters::{self, Interpreter};
use crate::process::Process;
use crate::Dirs;
use anyhow::{bail, Result};
use pyo3_matrix_model::{Flavor, PythonPackages};

/// `apt-get install -y PACKAGES…`, through sudo unless this process is root.
fn apt_install(packages: &[String]) -> Process {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let apt = match root {
        true => Process::new("apt-get"),
        false => Process::new("sudo").arg("apt-get"),
    };
    apt.env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y", "-q"])
        .args(packages)
}

/// What to do to get `flavor` where this machine cannot install it: one line.
pub fn hint(flavor: Flavor, packages: &PythonPackages) -> String {
    format!(
        "no Python {flavor} interpreter found; `pyo3-matrix python install {flavor}` installs Debian's {} where apt-get is available; elsewhere {}",
        packages.apt.join(", "),
        packages.elsewhere
    )
}

/// Installs `packages` with apt-get and returns the `flavor` interpreter they brought.
/// Without apt-get, or when the packages bring another Python, says so in one line.
pub fn install(
    flavor: Flavor,
    packages: &PythonPackages,
    dirs: &Dirs,
    progress: &mut dyn FnMut(&str),
) -> Result<Interpreter> {
    let found = |dirs: &Dirs| interpreters::find(flavor, &interpreters::discover(dirs));
    if let Some(interp) = found(dirs) {
        progress(&format!("{flavor} is already installed at {}", interp.path.display()));
        return Ok(interp);
    }
    if crate::tools::on_path("apt-get").is_none() {
        bail!(
            "cannot install Python {flavor} here: no apt-get on PATH; {}",
            packages.elsewhere
        );
    }
    progress(&format!(
        "installing Debian's {} for Python {flavor}",
        packages.apt.join(", ")
    ));
    apt_install(&packages.apt).run(&format!("install {}", packages.apt.join(" ")))?;
    match found(dirs) {
        Some(interp) => Ok(interp),
        None => {
            let brought: Vec<String> = interpreters::discover(dirs)
                .into_iter()
                .filter(|i| i.flavor.implementation == flavor.implementation)
                .map(|i| i.flavor.to_string())
                .collect();
            bail!(
                "installed {}, but they bring no Python {flavor} (found: {}); {}",
                packages.apt.join(", "),
                if brought.is_empty() {
                    "none".to_string()
                } else {
                    brought.join(", ")
                },
                packages.elsewhere
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_names_the_command_the_packages_and_the_way_elsewhere() {
        let packages = PythonPackages {
            apt: vec!["pypy3".into(), "pypy3-venv".into()],
            elsewhere: "get it from pypy.org".into(),
        };
        let hint = hint(Flavor::parse("pypy3.9").unwrap(), &packages);
        assert_eq!(
            hint,
            "no Python pypy3.9 interpreter found; `pyo3-matrix python install pypy3.9` installs Debian's \
             pypy3, pypy3-venv where apt-get is available; elsewhere get it from pypy.org"
        );
        let mut apt = apt_install(&packages.apt);
        let args: Vec<_> = apt
            .command_mut()
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert!(
            args.ends_with(&["install", "-y", "-q", "pypy3", "pypy3-venv"].map(String::from)),
            "{args:?}"
        );
    }
}
