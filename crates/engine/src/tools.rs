//! The tool environment: the pinned maturin that builds a user's maturin project, and the
//! uv that installs its wheel into each cell's own directory. Both come from PyPI into an
//! environment of the tool's own, never into the user's or an interpreter's.

use crate::interpreters::Interpreter;
use crate::process::Process;
use crate::venv::{self, Purpose, Wheels};
use crate::Dirs;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// The maturin a crate's plain cells are built with; recorded in the results.
const PINNED_MATURIN: &str = "1.16.0";

/// A maturin release, e.g. `1.7.0`: the pinned one, or one `scan --maturin` asks for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MaturinVersion(String);

impl MaturinVersion {
    /// The maturin plain cells are built with.
    pub fn pinned() -> MaturinVersion {
        MaturinVersion(PINNED_MATURIN.into())
    }

    /// Whether it is the maturin plain cells are built with.
    pub fn is_pinned(&self) -> bool {
        self.0 == PINNED_MATURIN
    }

    /// The name of the variant its cells are, e.g. `maturin-1.7.0`.
    pub fn variant_name(&self) -> String {
        format!("maturin-{}", self.0)
    }
}

impl std::fmt::Display for MaturinVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for MaturinVersion {
    type Err = anyhow::Error;

    /// `1.7.0` or `1.7`: a release pip can pin, nothing else reaches the installer.
    fn from_str(text: &str) -> Result<Self> {
        let parts: Vec<&str> = text.trim().split('.').collect();
        let numeric = parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if !(2..=3).contains(&parts.len()) || !numeric {
            anyhow::bail!("`{text}` is not a maturin release such as 1.7.0");
        }
        Ok(MaturinVersion(text.trim().into()))
    }
}

/// The installer of the built wheels.
pub const UV: &str = "uv==0.13.8";

/// The tools, installed.
#[derive(Debug, Clone)]
pub struct Tools {
    /// The maturin executable.
    pub maturin: PathBuf,
    /// The uv executable.
    pub uv: PathBuf,
    /// `maturin --version`, e.g. `maturin 1.16.0`.
    pub maturin_version: String,
    /// The flags that turn off maturin's manylinux audit (the wheel is installed here, not
    /// published): `--auditwheel skip` where this maturin has it, else `--skip-auditwheel`.
    pub skip_audit: Vec<&'static str>,
    /// A directory holding the `cargo` maturin runs (see [`crate::maturin`]).
    pub cargo_shim: PathBuf,
}

/// The tool environment with maturin `version`, made with `interp` on first use (one per
/// version: the pinned one's is `tools`).
pub fn ensure(
    interp: &Interpreter,
    dirs: &Dirs,
    version: &MaturinVersion,
    progress: &mut dyn FnMut(&str),
) -> Result<Tools> {
    let name = match version.is_pinned() {
        true => "tools".to_string(),
        false => format!("tools-{}", version.variant_name()),
    };
    let purpose = Purpose {
        name: &name,
        wheels: Wheels::Only,
    };
    let maturin = format!("maturin=={version}");
    let python = venv::environment(interp, dirs, purpose, &[maturin, UV.into()], progress)?;
    let bin = python.parent().expect("bin").to_path_buf();
    let maturin = bin.join("maturin");
    let maturin_version = Process::new(&maturin)
        .arg("--version")
        .read("ask maturin its version")?
        .trim()
        .to_string();
    let help = Process::new(&maturin)
        .args(["build", "--help"])
        .read("read maturin's build options")?;
    let skip_audit = skip_audit_flags(&help);
    let cargo_shim = dirs.root().join("tools").join("cargo-shim");
    Ok(Tools {
        uv: bin.join("uv"),
        maturin,
        maturin_version,
        skip_audit,
        cargo_shim,
    })
}

/// How the maturin whose `build --help` reads `help` is told not to audit: newer releases replaced
/// `--skip-auditwheel` with `--auditwheel skip` and no longer list the old flag.
fn skip_audit_flags(help: &str) -> Vec<&'static str> {
    match help.contains("--auditwheel <") {
        true => vec!["--auditwheel", "skip"],
        false => vec!["--skip-auditwheel"],
    }
}

/// The `maturin --version` of the maturin on `PATH`, if there is one (a results header
/// records it beside rustc's).
pub fn maturin_on_path() -> Option<String> {
    let out = Process::new("maturin")
        .arg("--version")
        .read("ask maturin its version")
        .ok()?;
    Some(out.trim().to_string())
}

/// The `cargo` the user runs: `$CARGO` (set when run by cargo), else the first on PATH.
pub fn real_cargo() -> PathBuf {
    if let Some(cargo) = std::env::var_os("CARGO") {
        return PathBuf::from(cargo);
    }
    on_path("cargo").unwrap_or_else(|| PathBuf::from("cargo"))
}

/// The first executable `program` in a directory of `PATH`.
pub fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(program))
        .find(|c| is_executable(c))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_is_skipped_with_the_flag_the_maturin_has() {
        let new = "      --auditwheel <AUDITWHEEL>\n          Audit wheel for manylinux compliance";
        let old = "      --skip-auditwheel\n          Don't check for manylinux compliance";
        assert_eq!(skip_audit_flags(new), ["--auditwheel", "skip"]);
        assert_eq!(skip_audit_flags(old), ["--skip-auditwheel"]);
    }

    #[test]
    fn maturin_versions_are_releases_only() {
        let v: MaturinVersion = "1.7.0".parse().unwrap();
        assert_eq!(v.variant_name(), "maturin-1.7.0");
        assert!("1.6".parse::<MaturinVersion>().is_ok());
        for bad in ["", "1", "1.7.0rc1", ">=1.7", "1.7.0; rm -rf", "1..0", "1.2.3.4"] {
            let e = bad.parse::<MaturinVersion>().unwrap_err();
            assert_eq!(e.to_string(), format!("`{bad}` is not a maturin release such as 1.7.0"));
        }
    }
}
