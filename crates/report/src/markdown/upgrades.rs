//! `upgrades.md`: what a user meets on upgrading PyO3. First where PyO3's support of an
//! interpreter changes (told once, with PyO3's own reason and what its escape hatch did),
//! then the GIL on free-threaded interpreters, then the common jumps as one cumulative step
//! each (with the stepping stones on the way), then every step between consecutive releases.
//! Every "breaks" here is [`Transition::of`].

use super::{head, provenance, row};
use crate::events::support_event;
use crate::grid::{Grid, Move, Step, Support};
use crate::groups::setting;
use crate::legend::{cell_label, State, MOVES};
use pyo3_matrix_model::{CellResult, Flavor, Release, Transition};

/// The jumps people make most, as (from, to) minors; drawn where the run has both.
pub const JUMPS: [(&str, &str); 4] = [("0.20", "0.23"), ("0.21", "0.25"), ("0.23", "0.28"), ("0.25", "0.30")];

/// The run's release of a minor (`0.23` → `0.23.5`).
fn release_of<'g>(grid: &'g Grid, minor: &str) -> Option<&'g Release> {
    grid.releases.iter().filter(|r| r.minor_label() == minor).max()
}

/// The stepping stones of a pattern that breaks between `from` and `to`: releases on the way
/// where it still builds with deprecation warnings, and variants (a feature, a variable)
/// with which it still works, each with what was observed. A variant that sets what PyO3
/// calls unsafe, or that changes nothing (its cell as the plain one), is never a stone; an
/// unsafe one is told with what it did.
fn stones(grid: &Grid, pattern: &str, python: Flavor, from: &Release, to: &Release) -> Vec<String> {
    let between: Vec<&Release> = grid.releases.iter().filter(|r| *r >= from && *r < to).collect();
    let mut out = Vec::new();
    let deprecated: Vec<&Release> = between
        .iter()
        .copied()
        .filter(|r| {
            grid.cell(pattern, r, python, None)
                .is_some_and(|c| c.outcome == pyo3_matrix_model::Outcome::Deprecated)
        })
        .collect();
    if !deprecated.is_empty() {
        out.push(format!(
            "⚠ deprecated at {}: stop there and fix the warnings while rustc points at them",
            span(&deprecated)
        ));
    }
    let Some(p) = grid.pattern(pattern) else { return out };
    for v in &p.meta.variants {
        let tried: Vec<&CellResult> = grid
            .releases
            .iter()
            .filter(|r| *r > from && *r <= to)
            .filter_map(|r| grid.cell(pattern, r, python, Some(&v.name)))
            .collect();
        let named = format!("with {} (`[{}]`)", setting(v), v.name);
        if let Some(unsafe_setting) = grid.sources.unsafe_setting_of(v) {
            if !tried.is_empty() {
                out.push(format!(
                    "not a way forward, as PyO3 calls `{}` unsafe: {named}: {}",
                    unsafe_setting.env,
                    observed(grid, &tried)
                ));
            }
            continue;
        }
        let changes_something = |c: &&CellResult| {
            grid.cell(pattern, &c.id.pyo3, python, None)
                .is_none_or(|plain| plain.outcome != c.outcome)
        };
        let working: Vec<&CellResult> = tried
            .into_iter()
            .filter(|c| c.outcome.works())
            .filter(changes_something)
            .collect();
        if !working.is_empty() {
            out.push(format!("{named}: {}", observed(grid, &working)));
        }
    }
    out
}

/// `0.21.2` or `0.21.2–0.22.6`: the first and last of `releases`, in order.
fn span(releases: &[&Release]) -> String {
    match (releases.first(), releases.last()) {
        (Some(first), Some(last)) if first != last => format!("{first}–{last}"),
        (Some(first), _) => first.to_string(),
        _ => String::new(),
    }
}

/// What cells of one interpreter showed, state by state: `✓ pass at 0.21.2; ⚠ deprecated
/// at 0.22.6`.
fn observed(grid: &Grid, cells: &[&CellResult]) -> String {
    let mut states: Vec<(String, Vec<&Release>)> = Vec::new();
    for c in cells {
        let label = cell_label(c, grid.state(c));
        match states.iter_mut().find(|(l, _)| *l == label) {
            Some((_, releases)) => releases.push(&c.id.pyo3),
            None => states.push((label, vec![&c.id.pyo3])),
        }
    }
    let told: Vec<String> = states
        .iter()
        .map(|(label, releases)| format!("{label} at {}", span(releases)))
        .collect();
    told.join("; ")
}

/// One move as a line, without its stepping stones: what is told once for every
/// interpreter it happens on.
fn move_line(grid: &Grid, m: &Move) -> String {
    format!(
        "[{0}](patterns/{0}.md) ({1} → {2})",
        m.pattern.id,
        cell_label(m.before, grid.state(m.before)),
        cell_label(m.after, grid.state(m.after))
    )
}

/// A move as it happens on some interpreters: the kind and line, and each interpreter's
/// stepping stones (empty where none are told).
struct Shared {
    kind: Transition,
    line: String,
    on: Vec<(Flavor, Vec<String>)>,
}

/// `Python 3.12`, `Python 3.12 and 3.13`, `every interpreter (3.12, 3.13, 3.13t)`.
fn interpreters_title(pythons: &[Flavor], all: &[Flavor]) -> String {
    let names: Vec<String> = pythons.iter().map(ToString::to_string).collect();
    if pythons == all && all.len() > 1 {
        return format!("Every interpreter ({})", names.join(", "));
    }
    match names.split_last() {
        Some((last, [])) => format!("Python {last}"),
        Some((last, rest)) => format!("Python {} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// One upgrade (a jump, or a step between consecutive releases) on every interpreter:
/// first the interpreters whose support changes (or which start from another one), then
/// each move told once under the interpreters it happens on (every interpreter first), then
/// the interpreters where nothing moves, saying `quiet`. With `stepping`, each pattern that
/// breaks carries its stepping stones, interpreter by interpreter where they differ.
fn grouped(grid: &Grid, steps: &[Step], stepping: bool, quiet: &str) -> String {
    let mut s = String::new();
    let mut moves: Vec<Shared> = Vec::new();
    let mut still: Vec<Flavor> = Vec::new();
    for step in steps {
        let event = support_event(grid, step);
        if event.is_some() || step.from_python != step.python {
            let title = match step.from_python == step.python {
                true => format!("Python {}", step.python),
                false => format!("from Python {} to {}", step.from_python, step.python),
            };
            let said = event.as_deref().map(|e| format!(": {e}")).unwrap_or_default();
            s.push_str(&format!("- **{title}**{said}\n"));
        }
        let mut moved = false;
        // Support is told once, by the step's event and the support table, never move by move.
        let listed_kinds = MOVES
            .into_iter()
            .filter(|(kind, _)| !matches!(kind, Transition::SupportLost | Transition::SupportGained));
        for (kind, _) in listed_kinds {
            for m in step.of(kind) {
                moved = true;
                let stones = match stepping && kind == Transition::Regressed {
                    true => stones(grid, &m.pattern.id, step.python, &step.from, &step.to),
                    false => Vec::new(),
                };
                let line = move_line(grid, m);
                match moves.iter_mut().find(|x| x.kind == kind && x.line == line) {
                    Some(shared) => shared.on.push((step.python, stones)),
                    None => moves.push(Shared {
                        kind,
                        line,
                        on: vec![(step.python, stones)],
                    }),
                }
            }
        }
        if !moved && event.is_none() {
            still.push(step.python);
        }
    }
    let all: Vec<Flavor> = steps.iter().map(|st| st.python).collect();
    let mut groups: Vec<Vec<Flavor>> = Vec::new();
    for m in &moves {
        let pythons: Vec<Flavor> = m.on.iter().map(|(py, _)| *py).collect();
        if !groups.contains(&pythons) {
            groups.push(pythons);
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    for group in &groups {
        s.push_str(&format!("- **{}**:\n", interpreters_title(group, &all)));
        for (kind, word) in MOVES {
            let listed: Vec<&Shared> = moves
                .iter()
                .filter(|m| m.kind == kind && m.on.iter().map(|(py, _)| *py).eq(group.iter().copied()))
                .collect();
            if listed.is_empty() {
                continue;
            }
            s.push_str(&format!("  - {word} ({}):\n", listed.len()));
            for m in listed {
                s.push_str(&format!("    - {}{}\n", m.line, told_stones(&m.on)));
            }
        }
    }
    if !still.is_empty() {
        s.push_str(&format!("- **{}**: {quiet}\n", interpreters_title(&still, &all)));
    }
    s
}

/// The stepping stones of a move on its interpreters: once when every one has the same,
/// else interpreter by interpreter; nothing when there are none.
fn told_stones(on: &[(Flavor, Vec<String>)]) -> String {
    let Some((_, first)) = on.first() else {
        return String::new();
    };
    if on.iter().all(|(_, stones)| stones == first) {
        return match first.is_empty() {
            true => String::new(),
            false => format!("; stepping stones: {}", first.join("; ")),
        };
    }
    let each: Vec<String> = on
        .iter()
        .filter(|(_, stones)| !stones.is_empty())
        .map(|(py, stones)| format!("on {py}: {}", stones.join("; ")))
        .collect();
    format!("; stepping stones {}", each.join(" · "))
}

/// The releases-by-interpreter table.
fn support_table(grid: &Grid) -> String {
    let mut s = head(
        ["release".to_string()]
            .into_iter()
            .chain(grid.pythons.iter().map(ToString::to_string)),
    );
    for release in &grid.releases {
        let verdicts = grid.pythons.iter().map(|py| grid.support(release, *py).brief());
        s.push_str(&row(std::iter::once(release.to_string()).chain(verdicts)));
    }
    s
}

/// Free-threaded interpreters: how many working modules re-enabled the GIL, release by
/// release, and the step where most stopped doing so.
fn gil(grid: &Grid) -> String {
    let mut s = String::new();
    for &python in grid.pythons.iter().filter(|py| py.free_threaded) {
        let counts: Vec<String> = grid
            .releases
            .iter()
            .filter_map(|r| match grid.support(r, python) {
                Support::Builds { work, work_gil, .. } if work + work_gil > 0 => {
                    Some(format!("{r}: {work_gil} of {}", work + work_gil))
                }
                _ => None,
            })
            .collect();
        if counts.is_empty() {
            continue;
        }
        s.push_str(&format!(
            "- **Python {python}**, working modules whose import re-enabled the GIL ({}): {}.\n",
            State::GilReenabled(pyo3_matrix_model::Outcome::Pass).label(),
            counts.join(" · ")
        ));
        let most = grid
            .releases
            .windows(2)
            .map(|pair| (pair, grid.step(python, &pair[0], &pair[1], None).gil_moves().0))
            .filter(|(_, stopped)| *stopped > 0)
            .max_by_key(|(_, stopped)| *stopped);
        if let Some((pair, stopped)) = most {
            s.push_str(&format!(
                "  - The step where modules stop re-enabling it: **{} → {}**, where {stopped} working modules stop \
                 turning the GIL back on (their code unchanged).\n",
                pair[0], pair[1]
            ));
        }
    }
    s
}

/// The document.
pub fn render(grid: &Grid) -> String {
    let mut s = String::from("# Upgrading PyO3\n\n");
    s.push_str(&provenance(grid));
    s.push_str(
        "What breaks is decided by one rule for every report: a cell that worked (✓ pass, ⚠ deprecated, \
         ◐ GIL re-enabled) and does not now *breaks*; one that did not and does now is *fixed*; another \
         outcome, or the GIL turned back on (or off) on import, *changes*; a cell that says nothing about \
         the code (⊗ blocked, ?T test-error, – skipped, ? error) *cannot be compared*. Where PyO3 stops \
         (or starts) building for an interpreter, that is said once, with PyO3's reason, and the patterns \
         are not listed one by one.\n\n",
    );
    s.push_str("## Where PyO3's support of an interpreter changes\n\n");
    let mut events = Vec::new();
    for &python in &grid.pythons {
        for pair in grid.releases.windows(2) {
            if let Some(line) = support_event(grid, &grid.step(python, &pair[0], &pair[1], None)) {
                events.push(format!("- Python {python}, {} → {}: {line}\n", pair[0], pair[1]));
            }
        }
    }
    if events.is_empty() {
        s.push_str("Every release builds for every interpreter observed.\n");
    }
    s.push_str(&events.concat());
    s.push_str("\n## Which releases build for each interpreter\n\n");
    s.push_str(&support_table(grid));
    let gil = gil(grid);
    if !gil.is_empty() {
        s.push_str("\n## Free-threaded Python: the GIL on import\n\n");
        s.push_str(&gil);
    }
    s.push_str(
        "\n## Common jumps, in one step\n\nThe cumulative answer: the cells at the release you are on beside \
         those at the release you go to, with the stepping stones on the way (a release where the code \
         still builds with warnings, a feature or variable with which it still works). Only patterns that \
         work where you start are followed. Where the release you are on does not build for the \
         interpreter you go to, you start from the newest interpreter it builds for.\n",
    );
    for (from, to) in JUMPS {
        let (Some(from), Some(to)) = (release_of(grid, from), release_of(grid, to)) else {
            continue;
        };
        s.push_str(&format!("\n### {from} → {to}\n\n"));
        let steps: Vec<Step> = grid.pythons.iter().map(|&py| grid.cumulative(from, to, py)).collect();
        s.push_str(&grouped(grid, &steps, true, "nothing that worked breaks"));
    }
    s.push_str("\n## Each upgrade, one release at a time\n\nA move that happens on every interpreter is told once.\n");
    for pair in grid.releases.windows(2) {
        s.push_str(&format!("\n### {} → {}\n\n", pair[0], pair[1]));
        let steps: Vec<Step> = grid
            .pythons
            .iter()
            .map(|&py| grid.step(py, &pair[0], &pair[1], None))
            .collect();
        s.push_str(&grouped(grid, &steps, false, "nothing breaks, nothing gets fixed"));
    }
    s
}

#[cfg(test)]
mod tests {
    use crate::fixture::{cell, patterns, run};
    use crate::grid::Grid;
    use crate::markdown::{assert_has, draw};
    use pyo3_matrix_model::Outcome::{CompileError, Pass};
    use pyo3_matrix_model::{Flavor, Outcome, Sources, Variant};

    #[test]
    fn an_unsafe_setting_or_one_that_changes_nothing_is_never_a_stone() {
        let variant = |name: &str, release: &str, outcome| {
            let mut c = cell("p", release, "3.12", outcome);
            c.id.variant = Some(name.into());
            c
        };
        let r = run(vec![
            cell("p", "0.21.2", "3.12", Outcome::Pass),
            cell("p", "0.22.6", "3.12", Outcome::Deprecated),
            cell("p", "0.23.5", "3.12", Outcome::CompileError),
            variant("gil-refs", "0.22.6", Outcome::Pass),
            variant("gil-refs+unsafe", "0.22.6", Outcome::Deprecated),
            variant("abi3", "0.22.6", Outcome::Deprecated),
        ]);
        let mut pattern = crate::fixture::patterns().remove(0);
        pattern.id = "p".into();
        let mut gil_refs = Variant::named("gil-refs");
        gil_refs.features = vec!["gil-refs".into()];
        let mut unsafe_too = gil_refs.clone();
        unsafe_too.name = "gil-refs+unsafe".into();
        unsafe_too
            .env
            .insert("UNSAFE_PYO3_BUILD_FREE_THREADED".into(), "1".into());
        let mut abi3 = Variant::named("abi3");
        abi3.features = vec!["abi3-py39".into()];
        pattern.meta.variants = vec![gil_refs, unsafe_too, abi3];
        let sources =
            Sources::parse("[[unsafe-setting]]\nenv = 'UNSAFE_PYO3_BUILD_FREE_THREADED'\nsays = 'build anyway'\n")
                .unwrap();
        let grid = Grid::new(&r, &[pattern]).with_sources(sources);
        let [from, _, to] = [0, 1, 2].map(|i| grid.releases[i].clone());
        let stones = super::stones(&grid, "p", Flavor::parse("3.12").unwrap(), &from, &to);
        assert_eq!(
            stones,
            [
                "⚠ deprecated at 0.22.6: stop there and fix the warnings while rustc points at them",
                "with feature `gil-refs` (`[gil-refs]`): ✓ pass at 0.22.6",
                "not a way forward, as PyO3 calls `UNSAFE_PYO3_BUILD_FREE_THREADED` unsafe: with feature \
                 `gil-refs` and `UNSAFE_PYO3_BUILD_FREE_THREADED=1` (`[gil-refs+unsafe]`): ⚠ deprecated at 0.22.6",
            ],
            "abi3 changes nothing at 0.22.6: it is no stone"
        );
    }

    #[test]
    fn a_move_on_every_interpreter_is_told_once_and_the_others_under_their_own() {
        let results = run(["3.12", "3.13t"]
            .into_iter()
            .flat_map(|py| {
                let vec_u8_after = if py == "3.12" { Pass } else { CompileError };
                [
                    cell("gilref_any_arg", "0.22.6", py, Pass),
                    cell("gilref_any_arg", "0.23.5", py, CompileError),
                    cell("vec_u8_return", "0.22.6", py, Pass),
                    cell("vec_u8_return", "0.23.5", py, vec_u8_after),
                    cell("static_ref_exit", "0.22.6", py, Pass),
                    cell("static_ref_exit", "0.23.5", py, Pass),
                ]
            })
            .collect());
        let doc = super::render(&Grid::new(&results, &patterns()));
        assert_has(
            &doc,
            &["### 0.22.6 → 0.23.5\n\n\
               - **Every interpreter (3.12, 3.13t)**:\n  - breaks (1):\n    \
               - [gilref_any_arg](patterns/gilref_any_arg.md) (✓ pass → ✗ compile-error)\n\
               - **Python 3.13t**:\n  - breaks (1):\n    \
               - [vec_u8_return](patterns/vec_u8_return.md) (✓ pass → ✗ compile-error)\n"],
        );
        assert_eq!(
            doc.matches("[gilref_any_arg](patterns/gilref_any_arg.md)").count(),
            1,
            "{doc}"
        );
    }

    #[test]
    fn support_events_first_then_jumps_and_steps_by_one_rule() {
        let doc = draw(super::render);
        assert_has(
            &doc,
            &[
                "| release | 3.12 | 3.13t |",
                "| 0.21.2 | ✓ builds: 3 of 4 work | ⊘ refused |",
                "- Python 3.13t, 0.22.6 → 0.23.5: 0.23.5 builds for Python 3.13t (✓ builds: 0 of 3 work, ◐ 1 more with the GIL re-enabled); 0.22.6 refused it",
                "### 0.21.2 → 0.22.6\n\n- **Python 3.12**:\n  - breaks (1):\n    - [gilref_any_arg](patterns/gilref_any_arg.md) (⚠ deprecated → ✗ compile-error E0599)\n",
                "  - breaks (1):\n    - [vec_u8_return](patterns/vec_u8_return.md) (✓ pass → ✗T test-fail)\n",
                "  - fixed (1):\n    - [static_ref_exit](patterns/static_ref_exit.md) (∞ hang → ✓ pass)\n",
            ],
        );
        assert!(
            !doc.contains("(⊘ unsupported →"),
            "a support change is never listed pattern by pattern:\n{doc}"
        );
    }
}
