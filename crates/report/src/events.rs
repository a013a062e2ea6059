//! Where PyO3 stops (or starts) building for an interpreter: told once, first, with PyO3's
//! own reason, by every report and by `plan`.

use crate::grid::{Grid, Step, Support};
use crate::hatches::tried;
use pyo3_matrix_model::{InBounds, Transition};

/// The support event of a step as one sentence (PyO3's reason, and what its escape hatch
/// did where it names one), or `None` where support did not change.
pub fn support_event(grid: &Grid, step: &Step) -> Option<String> {
    let change = step.support_change()?;
    let (python, to) = (step.python, &step.to);
    Some(match (change, &step.support_after, &step.support_before) {
        (Transition::SupportLost, Support::Refused { reason, hatch }, _) => {
            let quoted = reason.map(|r| format!(": “{r}”")).unwrap_or_default();
            let from = &step.from;
            let bounds = grid.sources.bounds.as_ref();
            // Said in PyO3's terms: a release that never supported the interpreter is not
            // said to lose it. It built for it, so its build script did not check: outside
            // its minor's bounds (read at a later patch) it never supported it either.
            let mut line = match bounds.and_then(|b| b.support(from, python)) {
                Some(InBounds::NeverSupported | InBounds::Refused) => {
                    let maximum = |release| bounds.and_then(|b| b.maximum(release, python));
                    let checks = match maximum(to) {
                        Some((major, minor)) if (python.major, python.minor) > (major, minor) => {
                            let before = match maximum(from) {
                                None => format!("{} never did", from.minor_label()),
                                Some(_) => format!("{from} did not"),
                            };
                            format!(
                                "{to} starts checking the maximum Python version ({before}, and {major}.{minor} is the newest it accepts)"
                            )
                        }
                        _ => format!("{to} checks what {from} did not"),
                    };
                    format!(
                        "{checks}: PyO3's build script refuses Python {python} for every pattern{quoted}. {from} built for it without supporting it."
                    )
                }
                Some(InBounds::Supported) => {
                    format!("{to} drops Python {python}: PyO3's build script refuses it for every pattern{quoted}.")
                }
                _ => format!(
                    "{to} refuses Python {python}, which {from} built for: PyO3's build script refuses it for every pattern{quoted}."
                ),
            };
            if let Some(hatch) = hatch {
                // The hatch is judged over every release that refuses for the same reason,
                // not only the first.
                let refusing: Vec<&pyo3_matrix_model::Release> = grid
                    .releases
                    .iter()
                    .skip_while(|r| *r != to)
                    .take_while(|r| grid.support(r, python) == step.support_after)
                    .collect();
                line.push_str(&format!(
                    " Escape hatch {}.",
                    tried(grid, hatch, &refusing, python).describe(grid)
                ));
            }
            line
        }
        (_, after, Support::Refused { reason, .. }) => format!(
            "{to} builds for Python {python} ({after}); {} refused it{}.",
            step.from,
            reason.map(|r| format!(": “{r}”")).unwrap_or_default()
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{cell, run};
    use pyo3_matrix_model::{Flavor, Outcome, Sources};

    /// The support event of `from` → `to` on `python`, where `p` works at `from` and is
    /// refused at `to`; told with the build scripts' bounds when `bounded`.
    fn event(from: &str, to: &str, python: &str, bounded: bool) -> String {
        let mut refused = cell("p", to, python, Outcome::Unsupported);
        refused.message = Some("PyO3's reason".into());
        let r = run(vec![cell("p", from, python, Outcome::Pass), refused]);
        let sources = Sources::parse(
            "[bounds]\npattern = 'p'\nsource = 'pyo3-ffi/build.rs'\n\
             [[bounds.release]]\nrelease = '0.19'\ntag = '0.19.2'\ncpython = '3.7..'\npypy = '3.7..'\n\
             [[bounds.release]]\nrelease = '0.20'\ntag = '0.20.3'\ncpython = '3.7..=3.12'\npypy = '3.7..=3.10'\n\
             [[bounds.release]]\nrelease = '0.22'\ntag = '0.22.6'\ncpython = '3.7..=3.13'\npypy = '3.7..=3.10'\n\
             [[bounds.release]]\nrelease = '0.28'\ntag = '0.28.3'\ncpython = '3.7..=3.14'\npypy = '3.11..=3.14'\n\
             free-threaded = '3.13..=3.14'\n\
             [[bounds.release]]\nrelease = '0.29'\ntag = '0.29.3'\ncpython = '3.8..=3.15'\npypy = '3.11..=3.15'\n\
             free-threaded = '3.14..=3.15'\n",
        )
        .unwrap();
        let grid = Grid::new(&r, &[]).with_sources(if bounded { sources } else { Sources::default() });
        let (from, to) = (from.parse().unwrap(), to.parse().unwrap());
        support_event(&grid, &grid.step(Flavor::parse(python).unwrap(), &from, &to, None)).unwrap()
    }

    #[test]
    fn support_is_lost_only_where_it_was_had() {
        assert_eq!(
            event("0.19.2", "0.20.3", "3.13", true),
            "0.20.3 starts checking the maximum Python version (0.19 never did, and 3.12 is the newest it \
             accepts): PyO3's build script refuses Python 3.13 for every pattern: “PyO3's reason”. 0.19.2 built \
             for it without supporting it."
        );
        assert_eq!(
            event("0.22.4", "0.22.6", "3.13t", true),
            "0.22.6 checks what 0.22.4 did not: PyO3's build script refuses Python 3.13t for every pattern: \
             “PyO3's reason”. 0.22.4 built for it without supporting it."
        );
        assert_eq!(
            event("0.20.2", "0.20.3", "3.13", true),
            "0.20.3 starts checking the maximum Python version (0.20.2 did not, and 3.12 is the newest it \
             accepts): PyO3's build script refuses Python 3.13 for every pattern: “PyO3's reason”. 0.20.2 built \
             for it without supporting it.",
            "0.20's bounds are read at 0.20.3: an earlier patch that built for 3.13 did not check"
        );
        assert_eq!(
            event("0.28.3", "0.29.3", "3.13t", true),
            "0.29.3 drops Python 3.13t: PyO3's build script refuses it for every pattern: “PyO3's reason”."
        );
        assert_eq!(
            event("0.28.3", "0.29.3", "3.13t", false),
            "0.29.3 refuses Python 3.13t, which 0.28.3 built for: PyO3's build script refuses it for every \
             pattern: “PyO3's reason”.",
            "without bounds, nothing is said of support it may never have had"
        );
    }
}
