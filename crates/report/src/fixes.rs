//! Which of a pattern's fixes answers a failure: one rule, [`fitting`], for every place
//! that shows a fix (a cell's details, `scan`, `check` and `why`, a plan's breaks).
//!
//! A fix is data in the pattern's `pattern.toml` ([`Fix`]): the failures it fixes (`for`)
//! and the releases its code builds on (`since`, `until`). A failure is shown a fix only
//! when both fit: a crash is not fixed by a signature change, and a user staying on 0.22
//! is not told to write 0.23's API.

use pyo3_matrix_model::{Fix, Outcome, Release};

/// Whether `fix` answers a failure with `outcome` for code that must build on `target`.
pub fn applies(fix: &Fix, outcome: Outcome, target: &Release) -> bool {
    fix.fixes.contains(&outcome)
        && fix.since.as_ref().is_none_or(|since| since.admits_as_start(target))
        && fix.until.as_ref().is_none_or(|until| until.admits_as_end(target))
}

/// The fix to show for a failure with `outcome` when the code must build on `target`: of
/// those that [`apply`](applies), the one for the newest API (the latest `since`; the
/// first written among equals), since a release that has both keeps the newer one longer.
/// `None` when none fits: no fix is better than a wrong one.
pub fn fitting<'a>(fixes: &'a [Fix], outcome: Outcome, target: &Release) -> Option<&'a Fix> {
    let since = |fix: &Fix| fix.since.as_ref().map(|p| p.minor());
    fixes
        .iter()
        .filter(|fix| applies(fix, outcome, target))
        .fold(None, |best: Option<&Fix>, fix| match best {
            Some(b) if since(b) >= since(fix) => Some(b),
            _ => Some(fix),
        })
}

/// Where a fix applies, in words, for a page listing all of a pattern's fixes: "from
/// 0.23", "0.21 to 0.22", "for crash, unsupported"; empty when it applies to every code
/// failure on every release.
pub fn scope(fix: &Fix) -> String {
    let releases = match (&fix.since, &fix.until) {
        (Some(since), Some(until)) => Some(format!("{since} to {until}")),
        (Some(since), None) => Some(format!("from {since}")),
        (None, Some(until)) => Some(format!("up to {until}")),
        (None, None) => None,
    };
    let outcomes = (fix.fixes != Fix::CODE_FAILURES).then(|| {
        let names: Vec<&str> = fix.fixes.iter().map(|o| o.name()).collect();
        format!("for {}", names.join(", "))
    });
    [outcomes, releases]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(text: &str) -> Release {
        text.parse().unwrap()
    }

    fn fix(text: &str, since: Option<&str>, until: Option<&str>) -> Fix {
        Fix {
            since: since.map(|p| p.parse().unwrap()),
            until: until.map(|p| p.parse().unwrap()),
            ..Fix::text(text)
        }
    }

    /// gilref_list_return's fixes: 0.21's spelling, 0.23's, and one for the free-threaded
    /// crash of the releases before 0.23.
    fn list_return() -> Vec<Fix> {
        vec![
            fix(
                "Return `Bound<'py, PyList>` from `PyList::new_bound`.",
                Some("0.21"),
                Some("0.22"),
            ),
            fix(
                "Return `PyResult<Bound<'py, PyList>>` from `PyList::new`.",
                Some("0.23"),
                None,
            ),
            Fix {
                fixes: vec![Outcome::Crash, Outcome::Unsupported],
                ..Fix::text("Build for 3.13t with 0.23+.")
            },
        ]
    }

    fn chosen(fixes: &[Fix], outcome: Outcome, target: &str) -> Option<String> {
        fitting(fixes, outcome, &release(target)).map(|f| f.text.clone())
    }

    #[test]
    fn a_crash_is_not_fixed_by_a_signature_change() {
        let fixes = [fix("`list: &Bound<'_, PyList>`", Some("0.21"), None)];
        assert_eq!(chosen(&fixes, Outcome::Crash, "0.23.5"), None);
        assert_eq!(
            chosen(&fixes, Outcome::CompileError, "0.23.5").as_deref(),
            Some("`list: &Bound<'_, PyList>`")
        );
        assert_eq!(
            chosen(&list_return(), Outcome::Crash, "0.19.2").as_deref(),
            Some("Build for 3.13t with 0.23+.")
        );
    }

    #[test]
    fn a_fix_for_the_free_threaded_build_does_not_answer_a_compile_error() {
        // gilref_threads at 0.22 on 3.12 fails on `PyList::new`: not "upgrade before 3.13t".
        let fixes = list_return();
        assert_eq!(
            chosen(&fixes, Outcome::CompileError, "0.22.6").as_deref(),
            Some("Return `Bound<'py, PyList>` from `PyList::new_bound`.")
        );
    }

    #[test]
    fn the_target_release_picks_the_api_it_has() {
        let fixes = list_return();
        assert_eq!(
            chosen(&fixes, Outcome::CompileError, "0.23.0").as_deref(),
            Some("Return `PyResult<Bound<'py, PyList>>` from `PyList::new`.")
        );
        assert_eq!(
            chosen(&fixes, Outcome::Deprecated, "0.21.2").as_deref(),
            Some("Return `Bound<'py, PyList>` from `PyList::new_bound`.")
        );
        // Before either API existed, no fix fits.
        assert_eq!(chosen(&fixes, Outcome::CompileError, "0.20.3"), None);
    }

    #[test]
    fn where_two_fit_the_newer_api_is_shown() {
        let fixes = [
            fix("`x.downcast::<PyList>()`", Some("0.21"), Some("0.28")),
            fix("`x.cast::<PyList>()`", Some("0.26"), None),
        ];
        assert_eq!(
            chosen(&fixes, Outcome::Deprecated, "0.27.1").as_deref(),
            Some("`x.cast::<PyList>()`")
        );
        assert_eq!(
            chosen(&fixes, Outcome::CompileError, "0.25.1").as_deref(),
            Some("`x.downcast::<PyList>()`")
        );
        // A fix for every release and one for the newest API: the newer one.
        let fixes = [Fix::text("Any release."), fix("From 0.26.", Some("0.26"), None)];
        assert_eq!(
            chosen(&fixes, Outcome::TestFail, "0.30.1").as_deref(),
            Some("From 0.26.")
        );
        assert_eq!(
            chosen(&fixes, Outcome::TestFail, "0.25.1").as_deref(),
            Some("Any release.")
        );
    }

    #[test]
    fn a_plain_fix_answers_the_code_s_own_failures_only() {
        let fixes = [Fix::text("Match on TypeError.")];
        for outcome in Fix::CODE_FAILURES {
            assert!(chosen(&fixes, outcome, "0.19.2").is_some(), "{outcome}");
        }
        for outcome in [
            Outcome::Crash,
            Outcome::Unsupported,
            Outcome::Blocked,
            Outcome::Error,
            Outcome::Pass,
        ] {
            assert_eq!(chosen(&fixes, outcome, "0.19.2"), None, "{outcome}");
        }
    }

    #[test]
    fn an_exact_bound_admits_its_patch_and_no_other() {
        let fixes = [fix("Upgrade to 0.29.1.", Some("0.29.1"), None)];
        assert_eq!(chosen(&fixes, Outcome::TestFail, "0.29.0"), None);
        assert!(chosen(&fixes, Outcome::TestFail, "0.29.1").is_some());
    }

    #[test]
    fn scope_says_where_a_fix_applies() {
        let fixes = list_return();
        assert_eq!(scope(&fixes[0]), "0.21 to 0.22");
        assert_eq!(scope(&fixes[1]), "from 0.23");
        assert_eq!(scope(&fixes[2]), "for crash, unsupported");
        assert_eq!(scope(&Fix::text("x")), "");
        assert_eq!(scope(&fix("x", None, Some("0.25"))), "up to 0.25");
    }
}
