//! Where PyO3 stops (or starts) building for an interpreter: told once, first, with PyO3's
//! own reason, by every report and by `plan`.

use crate::grid::{Grid, Step, Support};
use crate::hatches::tried;
use pyo3_matrix_model::Transition;

/// The support event of a step as one sentence (PyO3's reason, and what its escape hatch
/// did where it names one), or `None` where support did not change.
pub fn support_event(grid: &Grid, step: &Step) -> Option<String> {
    let change = step.support_change()?;
    let (python, to) = (step.python, &step.to);
    Some(match (change, &step.support_after, &step.support_before) {
        (Transition::SupportLost, Support::Refused { reason, hatch }, _) => {
            let mut line = format!(
                "{to} drops Python {python}: PyO3's build script refuses it for every pattern{}.",
                reason.map(|r| format!(": “{r}”")).unwrap_or_default()
            );
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
