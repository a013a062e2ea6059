//! A built wheel made importable for one cell alone: installed (without its dependencies,
//! which the project's test environment already holds) into a directory of that cell, and
//! its extension modules also put beside the project's own Python packages in the cell's
//! copy, as `maturin develop` leaves a mixed Rust/Python project. Tests that import the
//! package from the source tree (pytest puts the project's root first on `sys.path`) then
//! find the module too, and two cells side by side never see each other's.

use crate::process::Process;
use crate::tools::Tools;
use anyhow::{Context as _, Result};
use std::path::{Path, PathBuf};

/// Installs `wheel` into `site` (emptied first) for the interpreter `python`; `cache` is
/// uv's cache directory.
pub fn install(tools: &Tools, wheel: &Path, python: &Path, site: &Path, cache: &Path) -> Result<()> {
    if site.exists() {
        crate::fs::remove_dir_all(site)?;
    }
    Process::new(&tools.uv)
        .args(["pip", "install", "--quiet", "--no-deps", "--no-compile", "--target"])
        .arg(site)
        .arg("--python")
        .arg(python)
        .arg(wheel)
        .env("UV_CACHE_DIR", cache)
        .env("UV_NO_CONFIG", "1")
        .run(&format!("install {} into {}", wheel.display(), site.display()))
}

/// Copies each extension module installed in `site` into the same package of the
/// project's Python source (`python_source` under `project`, default the project itself)
/// where that package exists there; returns the copies made.
pub fn develop_overlay(site: &Path, project: &Path, python_source: Option<&str>) -> Result<Vec<PathBuf>> {
    let source_root = project.join(python_source.unwrap_or("."));
    let mut made = Vec::new();
    for module in extension_modules(site)? {
        let rel = module.strip_prefix(site).expect("inside site");
        let Some(package) = rel.parent().filter(|p| !p.as_os_str().is_empty()) else {
            continue;
        };
        let into = source_root.join(package);
        if package_has_python(&into) {
            let to = into.join(rel.file_name().expect("a file"));
            std::fs::copy(&module, &to)
                .with_context(|| format!("cannot copy {} to {}", module.display(), to.display()))?;
            made.push(to);
        }
    }
    Ok(made)
}

/// Whether `dir` is a Python package of the source tree (a directory with `.py` or `.pyi`
/// files; a namespace package has no `__init__.py`).
fn package_has_python(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "py" || x == "pyi"))
    })
}

/// The shared libraries under `dir` that are extension modules (`*.so`, outside
/// `*.dist-info` and `*.libs`).
fn extension_modules(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("cannot read {}", d.display()))? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if path.is_dir() {
                if !name.ends_with(".dist-info") && !name.ends_with(".libs") {
                    stack.push(path);
                }
            } else if name.ends_with(".so") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_go_where_the_source_package_is_and_nowhere_else() {
        let site = tempfile::tempdir().unwrap();
        let project = tempfile::tempdir().unwrap();
        let touch = |dir: &Path, rel: &str| {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        };
        touch(site.path(), "pkg/__init__.py");
        touch(site.path(), "pkg/_native.cpython-312-x86_64-linux-gnu.so");
        touch(site.path(), "flat.cpython-312-x86_64-linux-gnu.so");
        touch(site.path(), "other/other.cpython-312-x86_64-linux-gnu.so");
        touch(site.path(), "pkg-0.1.dist-info/RECORD");
        touch(project.path(), "python/pkg/__init__.py");
        let made = develop_overlay(site.path(), project.path(), Some("python")).unwrap();
        assert_eq!(
            made,
            [project
                .path()
                .join("python/pkg/_native.cpython-312-x86_64-linux-gnu.so")]
        );
        assert!(develop_overlay(site.path(), project.path(), None).unwrap().is_empty());
    }
}
