//! The PyO3 requirement of a crate: which release it is on (its lockfile, else its
//! manifest), and its manifests moved to another release without reformatting them
//! (`toml_edit` keeps comments, order and layout; only the version strings change).

use anyhow::{anyhow, bail, Context as _, Result};
use pyo3_matrix_model::{Point, Release};
use std::collections::BTreeMap;
use std::path::Path;
use toml_edit::{DocumentMut, Item, Value};

/// PyO3's own crates, released together.
pub const PYO3_FAMILY: [&str; 5] = [
    "pyo3",
    "pyo3-build-config",
    "pyo3-ffi",
    "pyo3-macros",
    "pyo3-macros-backend",
];

/// The release the crate whose workspace root is `root` (manifest `manifest`) is on: the
/// `pyo3` its `Cargo.lock` pins, else the newest of `known` its requirement allows. A lock
/// whose pin the requirement has moved past (a `migrate --write` before, which cargo
/// re-resolves at the next build) gives way to the requirement.
pub fn current_release(root: &Path, manifest: &Path, known: &[Release]) -> Result<Release> {
    let locked = locked_release(root)?;
    match (locked, required_release(root, manifest, known)) {
        (Some(locked), Ok(required)) if locked.minor() != required.minor() => Ok(required),
        (Some(locked), _) => Ok(locked),
        (None, required) => required,
    }
}

/// The `pyo3` the `Cargo.lock` under `root` pins, if there is one.
fn locked_release(root: &Path) -> Result<Option<Release>> {
    let path = root.join("Cargo.lock");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let lock: toml::Table = toml::from_str(&text).with_context(|| format!("malformed {}", path.display()))?;
    let pinned = lock
        .get("package")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .find(|p| p.get("name").and_then(|n| n.as_str()) == Some("pyo3"))
        .and_then(|p| p.get("version").and_then(|v| v.as_str()));
    pinned
        .map(|version| Release::parse(version).map_err(|e| anyhow!("{}: {e}", path.display())))
        .transpose()
}

/// The newest of `known` that the `pyo3` requirement of `manifest` allows: its own, or its
/// workspace's (`pyo3 = { workspace = true }`, the root manifest's under `root`).
fn required_release(root: &Path, manifest: &Path, known: &[Release]) -> Result<Release> {
    let read = |path: &Path| -> Result<DocumentMut> {
        let text = crate::fs::read_to_string(path)?;
        text.parse().with_context(|| format!("malformed {}", path.display()))
    };
    let pyo3_of = |doc: &DocumentMut| -> Option<Item> {
        dependency_tables(doc)
            .into_iter()
            .find_map(|deps| deps.get("pyo3").cloned())
    };
    let not_pyo3 = || anyhow!("{}: not a PyO3 crate (no pyo3 dependency)", manifest.display());
    let spec = pyo3_of(&read(manifest)?).ok_or_else(not_pyo3)?;
    let inherited = spec.get("workspace").and_then(Item::as_bool) == Some(true);
    let requirement = match inherited {
        true => pyo3_of(&read(&root.join("Cargo.toml"))?).as_ref().and_then(version_of),
        false => version_of(&spec),
    }
    .ok_or_else(not_pyo3)?;
    let bare = requirement.trim_start_matches(['=', '^', '~', ' ']);
    let point: Point = bare.parse().map_err(|_| {
        anyhow!(
            "{}: cannot tell the PyO3 release from the requirement \"{requirement}\"",
            manifest.display()
        )
    })?;
    known
        .iter()
        .filter(|r| r.minor() == point.minor())
        .max()
        .cloned()
        .or_else(|| Release::parse(bare).ok())
        .ok_or_else(|| {
            anyhow!(
                "{}: pyo3 \"{requirement}\" is no release pyo3-matrix knows",
                manifest.display()
            )
        })
}

/// `text`, a `Cargo.toml`, with every requirement of PyO3's crates moved to `release` and
/// every companion the matrix pairs with it (`companions`, as matrix.toml names them) to
/// its paired version, each keeping its operator: `"0.20"` -> `"0.23"`, `"=0.20.3"` ->
/// `"=0.23.5"`. Nothing else in the file changes.
pub fn require(text: &str, release: &Release, companions: &BTreeMap<String, toml::Value>) -> Result<String> {
    let mut doc: DocumentMut = text.parse().context("malformed Cargo.toml")?;
    for deps in dependency_tables_mut(&mut doc) {
        for (name, spec) in deps.iter_mut() {
            let wanted = match PYO3_FAMILY.contains(&name.get()) {
                true => Some(release.to_string()),
                false => companions.get(name.get()).and_then(paired_version),
            };
            if let Some(wanted) = wanted {
                set_version(spec, &wanted)?;
            }
        }
    }
    Ok(doc.to_string())
}

/// The version a companion is paired with (`"0.23"` or `{ version = "0.23", ... }`).
fn paired_version(paired: &toml::Value) -> Option<String> {
    match paired {
        toml::Value::String(v) => Some(v.clone()),
        toml::Value::Table(t) => t.get("version").and_then(|v| v.as_str()).map(String::from),
        _ => None,
    }
}

/// The requirement `old` moved to `version`, keeping its operator and its precision: a
/// minor stays a minor (`0.20` -> `0.23`), an exact version names the full one.
fn moved(old: &str, version: &str) -> String {
    let op: String = old.chars().take_while(|c| matches!(c, '=' | '^' | '~' | ' ')).collect();
    let bare = &old[op.len()..];
    if bare.contains([',', '<', '>', '*']) {
        // A range says more than one version can: the new release's minor replaces it.
        return minor_of(version);
    }
    match bare.split('.').count() {
        2 if op.trim().is_empty() || op.trim() == "^" => format!("{op}{}", minor_of(version)),
        _ => format!("{op}{version}"),
    }
}

fn minor_of(version: &str) -> String {
    version.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// Sets the version of a dependency entry, in whichever form it is written.
fn set_version(spec: &mut Item, version: &str) -> Result<()> {
    let slot: Option<&mut Value> = match spec {
        Item::Value(Value::String(_)) => spec.as_value_mut(),
        Item::Value(Value::InlineTable(t)) => t.get_mut("version"),
        Item::Table(t) => t.get_mut("version").and_then(Item::as_value_mut),
        _ => None,
    };
    // `{ workspace = true }` or `{ path = ... }` without a version: nothing to move.
    let Some(slot) = slot else { return Ok(()) };
    let Some(old) = slot.as_str() else {
        bail!("a dependency's version is not a string");
    };
    let decor = slot.decor().clone();
    *slot = Value::from(moved(old, version));
    *slot.decor_mut() = decor;
    Ok(())
}

/// The version requirement of a dependency entry, if it names one.
fn version_of(spec: &Item) -> Option<String> {
    match spec {
        Item::Value(Value::String(s)) => Some(s.value().clone()),
        Item::Value(Value::InlineTable(t)) => t.get("version").and_then(|v| v.as_str()).map(String::from),
        Item::Table(t) => t.get("version").and_then(|v| v.as_str()).map(String::from),
        _ => None,
    }
}

/// Names of the tables that hold dependencies.
const DEPENDENCY_TABLES: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

/// Every dependency table of a manifest: the package's, the workspace's, each target's.
fn dependency_tables(doc: &DocumentMut) -> Vec<&dyn toml_edit::TableLike> {
    let mut out: Vec<&dyn toml_edit::TableLike> = Vec::new();
    let root = doc.as_table();
    out.extend(
        DEPENDENCY_TABLES
            .iter()
            .filter_map(|t| root.get(t).and_then(Item::as_table_like)),
    );
    if let Some(ws) = root.get("workspace").and_then(Item::as_table_like) {
        out.extend(ws.get("dependencies").and_then(Item::as_table_like));
    }
    if let Some(targets) = root.get("target").and_then(Item::as_table_like) {
        for (_, target) in targets.iter() {
            if let Some(target) = target.as_table_like() {
                out.extend(
                    DEPENDENCY_TABLES
                        .iter()
                        .filter_map(|t| target.get(t).and_then(Item::as_table_like)),
                );
            }
        }
    }
    out
}

/// [`dependency_tables`], to change.
fn dependency_tables_mut(doc: &mut DocumentMut) -> Vec<&mut dyn toml_edit::TableLike> {
    let mut out: Vec<&mut dyn toml_edit::TableLike> = Vec::new();
    for (key, item) in doc.as_table_mut().iter_mut() {
        let Some(table) = item.as_table_like_mut() else {
            continue;
        };
        match key.get() {
            name if DEPENDENCY_TABLES.contains(&name) => out.push(table),
            "workspace" => out.extend(table.get_mut("dependencies").and_then(Item::as_table_like_mut)),
            "target" => {
                for (_, target) in table.iter_mut() {
                    let Some(target) = target.as_table_like_mut() else {
                        continue;
                    };
                    for (name, deps) in target.iter_mut() {
                        if DEPENDENCY_TABLES.contains(&name.get()) {
                            out.extend(deps.as_table_like_mut());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(text: &str) -> Release {
        Release::parse(text).unwrap()
    }

    #[test]
    fn requirements_move_keeping_their_form_and_the_rest_of_the_file() {
        let text = r#"[package]
name = "shop" # the shop

[dependencies]
pyo3 = { version = "0.20", features = ["extension-module"] }  # keep me
numpy = "0.20"
serde = "1"

[build-dependencies.pyo3-build-config]
version = "=0.20.3"

[target.'cfg(unix)'.dependencies]
pyo3-ffi = "~0.20.3"
"#;
        let companions: BTreeMap<String, toml::Value> = [("numpy".to_string(), toml::Value::from("0.23"))].into();
        let moved = require(text, &release("0.23.5"), &companions).unwrap();
        assert_eq!(
            moved,
            text.replace(r#"version = "0.20", features"#, r#"version = "0.23", features"#)
                .replace(r#"numpy = "0.20""#, r#"numpy = "0.23""#)
                .replace(r#"version = "=0.20.3""#, r#"version = "=0.23.5""#)
                .replace(r#"pyo3-ffi = "~0.20.3""#, r#"pyo3-ffi = "~0.23.5""#)
        );
        assert_eq!(
            require(&moved, &release("0.23.5"), &companions).unwrap(),
            moved,
            "a second run changes nothing"
        );
    }

    #[test]
    fn the_current_release_is_the_locked_one_else_the_requirements_newest() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        std::fs::write(&manifest, "[package]\nname = \"x\"\n[dependencies]\npyo3 = \"0.20\"\n").unwrap();
        let known = [release("0.20.3"), release("0.21.2")];
        assert_eq!(
            current_release(dir.path(), &manifest, &known).unwrap(),
            release("0.20.3")
        );
        std::fs::write(
            dir.path().join("Cargo.lock"),
            "version = 3\n[[package]]\nname = \"pyo3\"\nversion = \"0.20.2\"\n",
        )
        .unwrap();
        assert_eq!(
            current_release(dir.path(), &manifest, &known).unwrap(),
            release("0.20.2")
        );
        // A lock the requirement moved past (a `migrate --write` before): the requirement.
        std::fs::write(&manifest, "[package]\nname = \"x\"\n[dependencies]\npyo3 = \"0.21\"\n").unwrap();
        assert_eq!(
            current_release(dir.path(), &manifest, &known).unwrap(),
            release("0.21.2")
        );
        std::fs::write(&manifest, "[package]\nname = \"x\"\n[dependencies]\nserde = \"1\"\n").unwrap();
        std::fs::remove_file(dir.path().join("Cargo.lock")).unwrap();
        let e = current_release(dir.path(), &manifest, &known).unwrap_err();
        assert!(e.to_string().ends_with("not a PyO3 crate (no pyo3 dependency)"), "{e}");
        // A member inheriting its workspace's requirement (`pyo3 = { workspace = true }`).
        std::fs::write(
            &manifest,
            "[workspace]\nmembers = [\"ext\"]\n[workspace.dependencies]\npyo3 = { version = \"0.20\" }\n",
        )
        .unwrap();
        let member = dir.path().join("ext/Cargo.toml");
        std::fs::create_dir_all(member.parent().unwrap()).unwrap();
        let inherits =
            "[package]\nname = \"ext\"\n[dependencies]\npyo3 = { workspace = true, features = [\"num-bigint\"] }\n";
        std::fs::write(&member, inherits).unwrap();
        assert_eq!(current_release(dir.path(), &member, &known).unwrap(), release("0.20.3"));
    }
}
