//! `migrate`: the mechanical part of a PyO3 upgrade, done the way PyO3's guide says to do
//! it by hand. From the crate's own release to the target, through every release of the
//! matrix in between: build the crate at that release, apply the [`rules`] that read what
//! rustc said there (a deprecation note names its replacement only while the deprecated
//! item still exists), build again until the step builds or no rule applies, then move on.
//! The edits are made in a copy of the crate; the caller shows them as a diff or writes them
//! back. What no rule covers is handed back as the step's residual diagnostics.

mod clones;
pub mod compiler;
pub mod edit;
pub mod keep;
mod kinds;
pub mod left;
pub mod manifest;
pub mod rules;
pub mod syntax;

use crate::cell_dir::CellDir;
use crate::lock::DirLock;
use crate::plan::{Context, Target};
use crate::process::Process;
use crate::scan::prepare::{self, CrateCells, CrateTests};
use crate::scan::{self, TestDepsChoice, UserCrate};
use anyhow::{anyhow, bail, Context as _, Result};
use compiler::{Compiled, Diagnostic, Pass};
use edit::Edit;
use left::{Ledger, LeftBy};
use pyo3_matrix_model::{CellResult, Flavor, Level, Release};
use rules::{Rules, Staging};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Builds a step may take before it moves on: each round applies every rule that matched,
/// and a round's edits can uncover diagnostics that earlier errors hid (a struct field made a
/// `Bound` takes four: the field, its constructors' parameters, rustc's clone, its users).
const MAX_ROUNDS: usize = 12;

/// Builds a step may take putting functions back ([`keep`]): one putting back can make a
/// caller of the function put back fail in turn.
const MAX_KEEP_ROUNDS: usize = 3;

/// What to migrate, to where, with what.
pub struct Request<'a> {
    /// The matrix (releases and their companions) and the cache.
    pub ctx: &'a Context,
    /// The user's crate (never changed here).
    pub krate: &'a UserCrate,
    /// The release to reach.
    pub to: Release,
    /// The interpreter column every step builds against and tests in.
    pub target: &'a Target,
    /// The rules.
    pub rules: &'a Rules,
}

/// An edit a rule made, as a report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Made {
    /// The file, relative to the crate's root (its workspace, if it has one).
    pub file: PathBuf,
    /// The 1-based line, in the file as it was before the edit.
    pub line: usize,
    /// The rule.
    pub rule: String,
    /// The text replaced (empty for an insertion).
    pub from: String,
    /// The text put there.
    pub to: String,
}

/// What a step left for a person: an error, or a deprecation no rule answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Residual {
    /// The file, relative to the crate's root.
    pub file: Option<PathBuf>,
    /// The 1-based line.
    pub line: Option<usize>,
    /// Error or warning.
    pub level: Level,
    /// rustc's code or lint.
    pub code: Option<String>,
    /// The first line of rustc's message.
    pub message: String,
    /// Why the tool left it: the rule that knows the change, or the notice whose code holds its line.
    pub left_by: Option<LeftBy>,
}

impl Residual {
    fn of(diagnostic: &Diagnostic, left_by: Option<LeftBy>) -> Residual {
        Residual {
            file: diagnostic.span.as_ref().map(|s| s.file.clone()),
            line: diagnostic.span.as_ref().map(|s| s.line),
            level: diagnostic.level,
            code: diagnostic.code.clone(),
            message: diagnostic.headline().to_string(),
            left_by,
        }
    }
}

/// A change a person must decide, found in the crate's code at a step (a `[[notice]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Noticed {
    /// The file, relative to the crate's root.
    pub file: PathBuf,
    /// The 1-based line.
    pub line: usize,
    /// The last line of the code it is about (a `#[pyclass]` through its field).
    pub through: usize,
    /// The notice.
    pub id: String,
    /// What changes and what to decide.
    pub why: String,
    /// The catalog pattern that shows the change and its fix.
    pub pattern: String,
}

/// One release on the way.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The release.
    pub release: Release,
    /// The staging step PyO3 prescribes here, taken first, and how it went.
    pub staging: Option<String>,
    /// The edits the rules made (and kept).
    pub edits: Vec<Made>,
    /// The functions put back as they were, because the edits in them did not build.
    pub kept: Vec<keep::Kept>,
    /// How many builds the step took.
    pub builds: usize,
    /// Whether the crate builds at this release after the edits.
    pub compiles: bool,
    /// The errors and the PyO3 deprecations left.
    pub residual: Vec<Residual>,
    /// What a person must decide at this release, that no build error shows.
    pub notices: Vec<Noticed>,
    /// The crate's own tests at this release, run as `scan --tests` runs them, when the
    /// step builds.
    pub outcome: Option<CellResult>,
}

/// A file the migration changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// The file, relative to the crate's root.
    pub path: PathBuf,
    /// Its text before.
    pub before: String,
    /// Its text after.
    pub after: String,
}

/// A migration done in a copy.
#[derive(Debug)]
pub struct Migration {
    /// The release the crate was on.
    pub from: Release,
    /// The release reached.
    pub to: Release,
    /// The crate's own tests at `from`, before any edit: what "passing its old tests" is
    /// measured against (a test that already fails there is not the upgrade's doing).
    pub baseline: CellResult,
    /// Each release on the way.
    pub steps: Vec<Step>,
    /// The files changed, with their texts.
    pub changed: Vec<Changed>,
    /// The migrated copy.
    pub migrated: UserCrate,
    /// Held while the copy is in use: another migration of the same crate waits.
    _lock: DirLock,
}

/// The releases a migration from `from` to `to` steps through: the release of `known` of
/// each minor after `from`'s and before `to`'s, then `to` itself (also when it is `from`:
/// the rules that apply there are applied, so a second run finds nothing left to do).
pub fn releases_between(known: &[Release], from: &Release, to: &Release) -> Vec<Release> {
    let mut steps: Vec<Release> = known
        .iter()
        .filter(|r| r.minor() > from.minor() && r.minor() < to.minor())
        .cloned()
        .collect();
    steps.push(to.clone());
    steps
}

/// The files of the git work tree at `dir` with uncommitted changes (none outside git).
pub fn uncommitted(dir: &Path) -> Result<Vec<String>> {
    let inside = Process::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(dir)
        .output();
    if !inside.is_ok_and(|o| o.status.success()) {
        return Ok(Vec::new());
    }
    let status = Process::new("git")
        .args(["status", "--porcelain", "--untracked-files=no", "."])
        .current_dir(dir)
        .read("ask git which files have uncommitted changes")?;
    Ok(status.lines().map(|l| l.get(3..).unwrap_or(l).to_string()).collect())
}

/// Migrates a copy of the crate from its release to `request.to`.
pub fn migrate(request: &Request, note: &mut dyn FnMut(&str)) -> Result<Migration> {
    let Request {
        ctx,
        krate,
        to,
        target,
        rules,
    } = request;
    let interp = target
        .interpreter()
        .ok_or_else(|| anyhow!("no interpreter for {} to build with", target.flavor))?;
    let known = ctx.matrix.release_list();
    let from = manifest::current_release(&krate.root, &krate.root.join(&krate.manifest), &known)?;
    if *to < from {
        bail!(
            "--to {to} is older than the release {} is on ({from})",
            krate.dir.display()
        );
    }
    let dir = ctx.dirs.migrations().join(krate.tag());
    let lock = DirLock::acquire(&dir)?;
    let tree = dir.join("tree");
    if tree.exists() {
        crate::fs::remove_dir_all(&tree)?;
    }
    scan::copy_tree(&krate.root, &tree, &mut Vec::new())?;
    let member = krate.dir.strip_prefix(&krate.root).unwrap_or(Path::new(""));
    let work = UserCrate::open(&tree.join(member))?;
    let builder = Builder {
        ctx,
        work: &work,
        build: dir.join("build"),
        target: dir.join("target"),
        python: &interp.path,
        flavor: target.flavor,
    };
    let releases = releases_between(&known, &from, to);
    // PyO3 of the first step's release is compiled while the crate is built at its own.
    if let Some(first) = releases.first() {
        builder.warm(first, rules)?;
    }
    note(&format!("building {} at its own release, {from}…", krate.dir.display()));
    let start = builder.compile(&from)?;
    if !start.success {
        // A failure with no diagnostic (a manifest cargo cannot load) is one too.
        let why = match start.errors().next() {
            Some(error) => {
                let at = error
                    .span
                    .as_ref()
                    .map(|s| format!(" ({}:{})", s.file.display(), s.line))
                    .unwrap_or_default();
                format!("{}{at}", error.headline())
            }
            None => "cargo failed without a diagnostic of the crate's code (`cargo build` there says why)".into(),
        };
        bail!(
            "{} does not build at its own release, PyO3 {from}: {why}",
            krate.dir.display()
        );
    }
    note(&format!("running the crate's tests at its own release, {from}…"));
    let baseline = test(ctx, &work, &from, (*target).clone(), note)?;
    let mut steps = Vec::new();
    let mut ledger = Ledger::default();
    for (n, release) in releases.iter().enumerate() {
        if let Some(next) = releases.get(n + 1) {
            builder.warm(next, rules)?;
        }
        note(&format!("step to PyO3 {release}…"));
        let mut step = builder.step(release, rules, &mut ledger)?;
        // The target is tested even when it does not build: its cell says how it fails.
        if step.compiles || release == to {
            note(&format!("running the crate's tests at PyO3 {release}…"));
            step.outcome = Some(test(ctx, &work, release, (*target).clone(), note)?);
        }
        steps.push(step);
    }
    let companions = ctx
        .matrix
        .release_def(to)
        .map(|d| d.companions.clone())
        .unwrap_or_default();
    for manifest in files_named(&tree, "Cargo.toml")? {
        let text = crate::fs::read_to_string(&manifest)?;
        let moved = manifest::require(&text, to, &companions).with_context(|| format!("{}", manifest.display()))?;
        if moved != text {
            edit::write_whole(&manifest, &moved)?;
        }
    }
    let changed = changed_files(&krate.root, &tree)?;
    Ok(Migration {
        from,
        to: to.clone(),
        baseline,
        steps,
        changed,
        migrated: work,
        _lock: lock,
    })
}

impl Migration {
    /// The crate's own tests at the target release (a failed build when it does not build).
    pub fn outcome(&self) -> &CellResult {
        self.steps
            .last()
            .and_then(|s| s.outcome.as_ref())
            .expect("the last step, the target, is always tested")
    }
}

/// Builds and tests the migrated copy `work` at `release` as `scan --tests` does, in the
/// interpreter column `target`.
fn test(
    ctx: &Context,
    work: &UserCrate,
    release: &Release,
    target: Target,
    note: &mut dyn FnMut(&str),
) -> Result<CellResult> {
    let mut krate = work.clone();
    let cells = CrateCells::new(
        CrateTests::Own(TestDepsChoice::Declared),
        crate::plan::DEFAULT_TIMEOUT_S,
    );
    let deps = prepare::test_deps(&mut krate, &cells)?;
    let prepared = prepare::prepare(ctx, krate.clone(), &cells, deps, vec![target], note)?;
    prepared
        .session(ctx.clone(), vec![release.clone()], format!("migrate-{}", krate.tag()))
        .verdicts(&|_| {})?
        .pop()
        .ok_or_else(|| anyhow!("no result for the migrated crate at PyO3 {release}"))
}

/// Where and how a migration builds its copy.
struct Builder<'a> {
    ctx: &'a Context,
    /// The copy being migrated.
    work: &'a UserCrate,
    /// The copy of the copy that is built, pinned to one release.
    build: PathBuf,
    /// The migration's own target, kept across steps, for what the cell's target would not
    /// reuse: a maturin project's rounds (maturin builds its cells with settings of its own).
    target: PathBuf,
    python: &'a Path,
    flavor: Flavor,
}

impl Builder<'_> {
    /// The copy built at `release`. A crate cargo builds is built in the target its cell at
    /// that release uses (under the cell's lock), so that PyO3 is compiled once per release
    /// for the rule rounds and the tests alike.
    fn compile(&self, release: &Release) -> Result<Compiled> {
        self.cargo(release, &[], Pass::Build)
    }

    /// The copy checked at `release` with the staging `feature`: only whether it compiles is
    /// asked, so no code is generated. In the cell's target too: the proc-macros and build
    /// scripts it builds are the ones the step's builds then reuse.
    fn staged(&self, release: &Release, feature: String) -> Result<Compiled> {
        self.cargo(release, &[feature], Pass::Check)
    }

    /// The copy, pinned to `release`, built or checked with the extra pyo3 `features`.
    fn cargo(&self, release: &Release, features: &[String], pass: Pass) -> Result<Compiled> {
        self.work.copy_for(&self.ctx.matrix, release, &self.build)?;
        let manifest = self.work.manifest_in(&self.build);
        let (target, _lock) = self.target_of(release)?;
        compiler::compile(&self.build, &manifest, &target, self.python, features, pass)
    }

    /// The target the copy is built in at `release`, with the cell's lock when it is the
    /// cell's.
    fn target_of(&self, release: &Release) -> Result<(PathBuf, Option<DirLock>)> {
        if self.work.built_by_maturin() {
            return Ok((self.target.clone(), None));
        }
        let cell = CellDir::of(&self.ctx.dirs, release, self.flavor);
        let lock = cell.lock()?;
        Ok((cell.crate_target("cargo", None), Some(lock)))
    }

    /// Starts building, in the background, what the step to `release` will build on: the
    /// copy as it is now, pinned to `release`, built (and checked with its staging feature),
    /// so that PyO3 of that release is compiled while this step's rounds and tests run. It
    /// holds the cell's lock until done, so the step's first build waits for it rather than
    /// compiling PyO3 beside it. Nothing it finds is read: the step builds the copy as the
    /// earlier steps left it. A maturin project's rounds share one target, which cargo would
    /// let only one build use at a time, so it is not warmed.
    fn warm(&self, release: &Release, rules: &Rules) -> Result<()> {
        if self.work.built_by_maturin() {
            return Ok(());
        }
        let copy = self.build.with_file_name(format!("warm-{release}"));
        self.work.copy_for(&self.ctx.matrix, release, &copy)?;
        let manifest = self.work.manifest_in(&copy);
        let (target, lock) = self.target_of(release)?;
        let python = self.python.to_path_buf();
        let staging: Vec<String> = rules
            .staging
            .get(&release.minor())
            .map(Staging::cargo_feature)
            .into_iter()
            .collect();
        std::thread::spawn(move || {
            let _lock = lock;
            let _ = compiler::compile(&copy, &manifest, &target, &python, &[], Pass::Build);
            if !staging.is_empty() {
                let _ = compiler::compile(&copy, &manifest, &target, &python, &staging, Pass::Check);
            }
        });
        Ok(())
    }

    /// One release: the staging step if PyO3 prescribes one, then rule rounds; what is left
    /// says why, from `ledger` (what earlier steps left) and to it.
    fn step(&self, release: &Release, rules: &Rules, ledger: &mut Ledger) -> Result<Step> {
        let staging = match rules.staging.get(&release.minor()) {
            Some(staging) => {
                let staged = self.staged(release, staging.cargo_feature())?;
                // Checked, not built: nothing loads what the staging build would make.
                let how = match (staged.success, staged.errors().next()) {
                    (true, _) => "compiles".to_string(),
                    (false, Some(e)) => format!("does not compile ({})", e.headline()),
                    (false, None) => "does not compile".to_string(),
                };
                Some(format!(
                    "with the `{}` feature first ({}): {how}; then without it, where its deprecations name their replacements",
                    staging.feature, staging.why
                ))
            }
            None => None,
        };
        let start = self.texts()?;
        let mut edits: Vec<Made> = Vec::new();
        let mut builds = 0;
        let compiled = loop {
            let compiled = self.compile(release)?;
            builds += 1;
            let made = self.apply(release, &compiled, rules)?;
            if made.is_empty() || builds >= MAX_ROUNDS {
                break compiled;
            }
            edits.extend(made);
        };
        let (compiled, kept) = self.keep_what_builds(release, compiled, &start, &mut builds)?;
        edits.retain(|e| !kept.iter().any(|k| k.holds(&e.file, e.line)));
        // The ledger takes the notices of this release and of the earlier ones where they
        // are now: edits above a noticed line move it. The step reports its own release's.
        let mut notices = Vec::new();
        for (minor, n) in self.notices(rules, release)? {
            let why = LeftBy::Notice {
                notice: n.id.clone(),
                release: release.clone(),
                pattern: n.pattern.clone(),
            };
            ledger.noticed(&n.file, n.line..=n.through, why);
            if minor == release.minor() {
                notices.push(n);
            }
        }
        let residual = self.residual(release, &compiled, rules, ledger);
        Ok(Step {
            release: release.clone(),
            staging,
            edits,
            kept,
            builds,
            compiles: compiled.success,
            residual,
            notices,
            outcome: None,
        })
    }

    /// The errors and PyO3 deprecations `compiled` shows, each with why it was left.
    fn residual(&self, release: &Release, compiled: &Compiled, rules: &Rules, ledger: &mut Ledger) -> Vec<Residual> {
        let mut texts: BTreeMap<PathBuf, String> = BTreeMap::new();
        let mut residual = Vec::new();
        for d in compiled
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Error || d.code.as_deref() == Some("deprecated"))
        {
            let left_by = match &d.span {
                Some(span) => {
                    let text = texts.entry(span.file.clone()).or_insert_with(|| {
                        std::fs::read_to_string(self.work.root.join(&span.file)).unwrap_or_default()
                    });
                    let under = text.get(span.start..span.end).unwrap_or_default();
                    let knowing = rules.knowing(release, d).map(|r| (r.id.as_str(), r.source.as_str()));
                    ledger.why(&span.file, span.line, under, knowing, release)
                }
                None => None,
            };
            residual.push(Residual::of(d, left_by));
        }
        residual
    }

    /// The working copy's Rust files.
    fn texts(&self) -> Result<keep::Texts> {
        keep::texts(&self.work.root, &source_files(&self.work.root)?)
    }

    /// `compiled` (the build after the rule rounds), or the build after putting back the
    /// functions whose edits did not build, while that leaves fewer errors ([`keep`]).
    fn keep_what_builds(
        &self,
        release: &Release,
        mut compiled: Compiled,
        start: &keep::Texts,
        builds: &mut usize,
    ) -> Result<(Compiled, Vec<keep::Kept>)> {
        let mut kept = Vec::new();
        for _ in 0..MAX_KEEP_ROUNDS {
            if compiled.success {
                break;
            }
            let now = self.texts()?;
            let reverts = keep::reverts(start, &now, compiled.errors());
            if reverts.is_empty() {
                break;
            }
            let (put_back, these) = keep::put_back(start, &now, &reverts);
            keep::write(&self.work.root, &put_back)?;
            let again = self.compile(release)?;
            *builds += 1;
            if !again.success && again.errors().count() >= compiled.errors().count() {
                let undo: keep::Texts = put_back.keys().map(|f| (f.clone(), now[f].clone())).collect();
                keep::write(&self.work.root, &undo)?;
                break;
            }
            kept.extend(these);
            compiled = again;
        }
        Ok((compiled, kept))
    }

    /// The notices in the working copy's sources of the releases up to `up_to`, each with its
    /// release's minor.
    fn notices(&self, rules: &Rules, up_to: &Release) -> Result<Vec<((u64, u64), Noticed)>> {
        let root = &self.work.root;
        let due: Vec<_> = rules
            .notices
            .iter()
            .filter(|n| n.release.minor() <= up_to.minor())
            .collect();
        let mut found = Vec::new();
        if due.is_empty() {
            return Ok(found);
        }
        for path in source_files(root)?
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        {
            let text = crate::fs::read_to_string(&path)?;
            for notice in &due {
                found.extend(notice.find(&text).into_iter().map(|at| {
                    let noticed = Noticed {
                        file: path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
                        line: edit::line_at(&text, at.start),
                        through: edit::line_at(&text, at.end),
                        id: notice.id.clone(),
                        why: notice.why.clone(),
                        pattern: notice.pattern.clone(),
                    };
                    (notice.release.minor(), noticed)
                }));
            }
        }
        Ok(found)
    }

    /// Applies to the working copy every edit the rules make of `compiled`'s diagnostics.
    fn apply(&self, release: &Release, compiled: &Compiled, rules: &Rules) -> Result<Vec<Made>> {
        let root = &self.work.root;
        let mut by_file: BTreeMap<PathBuf, (String, Vec<Edit>)> = BTreeMap::new();
        for diagnostic in &compiled.diagnostics {
            let Some(span) = &diagnostic.span else { continue };
            if !by_file.contains_key(&span.file) {
                let path = root.join(&span.file);
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                by_file.insert(span.file.clone(), (text, Vec::new()));
            }
            let (text, edits) = by_file.get_mut(&span.file).expect("just read");
            for edit in rules.edits(release, diagnostic, text) {
                if !edits.contains(&edit) {
                    edits.push(edit);
                }
            }
        }
        let mut made = Vec::new();
        for (file, (text, edits)) in by_file.into_iter().filter(|(_, (_, e))| !e.is_empty()) {
            let spliced = edit::splice(&text, &edits)?;
            edit::write_whole(&root.join(&file), &spliced)?;
            // What was spliced: an edit overlapping another is left to the next round.
            made.extend(edit::made(&edits).into_iter().map(|e| Made {
                file: file.clone(),
                line: e.line_in(&text),
                rule: e.rule.clone(),
                from: e.expected.clone(),
                to: e.replacement.clone(),
            }));
        }
        Ok(made)
    }
}

/// Every file named `name` under `dir`, leaving out what a crate's copy leaves out.
fn files_named(dir: &Path, name: &str) -> Result<Vec<PathBuf>> {
    Ok(source_files(dir)?
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == name))
        .collect())
}

/// The Rust sources and manifests under `dir`.
fn source_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(at) = dirs.pop() {
        for entry in std::fs::read_dir(&at).with_context(|| format!("cannot read {}", at.display()))? {
            let path = entry?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            if crate::paths::left_out(&name) {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else if name == "Cargo.toml" || name.ends_with(".rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The sources and manifests of `tree` that differ from the same files under `original`.
fn changed_files(original: &Path, tree: &Path) -> Result<Vec<Changed>> {
    let mut changed = Vec::new();
    for path in source_files(tree)? {
        let relative = path.strip_prefix(tree).expect("inside the tree").to_path_buf();
        let after = crate::fs::read_to_string(&path)?;
        let before = std::fs::read_to_string(original.join(&relative)).unwrap_or_default();
        if before != after {
            changed.push(Changed {
                path: relative,
                before,
                after,
            });
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn releases(list: &[&str]) -> Vec<Release> {
        list.iter().map(|r| Release::parse(r).unwrap()).collect()
    }

    #[test]
    fn a_migration_steps_through_every_release_between() {
        let known = releases(&["0.20.3", "0.21.2", "0.22.6", "0.23.5", "0.24.2"]);
        let between = |from: &str, to: &str| {
            releases_between(&known, &Release::parse(from).unwrap(), &Release::parse(to).unwrap())
        };
        assert_eq!(between("0.20.3", "0.23.5"), releases(&["0.21.2", "0.22.6", "0.23.5"]));
        assert_eq!(between("0.20.1", "0.21.2"), releases(&["0.21.2"]));
        assert_eq!(between("0.22.4", "0.22.6"), releases(&["0.22.6"]));
        assert_eq!(between("0.23.5", "0.23.5"), releases(&["0.23.5"]));
    }
}
