//! `claims.md`: each claim from the catalog (the article's, PyO3's changelog's) beside what
//! was observed, with its verdict and the cells that decide it. The sources are named first,
//! as they name themselves, so that a reader can look every claim up.

use super::{head, row, text};
use crate::claims::{check, covers, sources, ClaimCheck, Verdict, RULE};
use crate::grid::Grid;
use crate::groups::spans;
use crate::legend::State;
use pyo3_matrix_model::{Bounds, Bullet, CellResult, Check, Claim, Pattern, Point, Release, Source};
use std::collections::BTreeMap;

/// How many characters of a claim the summary quotes; the body quotes it whole.
const SHORT_CLAIM: usize = 60;

/// Who makes a claim: the name [`sources`] gives it, and what `sources.toml` says of it.
struct Origin<'g> {
    who: &'static str,
    source: Option<&'g Source>,
}

impl Origin<'_> {
    /// The anchor of its entry in the header of `claims.md`: `source-pyo3-s-changelog`.
    fn anchor(&self) -> String {
        format!("source-{}", slug(self.who))
    }

    /// Its name linked to that entry, from a page whose link to `claims.md` is `claims_page`
    /// (empty on `claims.md` itself).
    fn link(&self, claims_page: &str) -> String {
        format!("[{}]({claims_page}#{})", self.who, self.anchor())
    }

    /// The entry in the header: the title as the source gives it, where it is, and how its
    /// claims link it.
    fn described(&self) -> String {
        let Some(source) = self.source else {
            return format!(
                "**{}**: not described in the matrix's `sources.toml`.",
                capitalized(self.who)
            );
        };
        let title = match &source.url {
            Some(url) => format!("[{}]({url})", text(&source.title)),
            None => format!("*{}*", text(&source.title)),
        };
        let mut s = format!("**{}**: {title}", capitalized(self.who));
        if let Some(series) = &source.part_of {
            s.push_str(&format!(", part of *{}*", text(series)));
        }
        s.push('.');
        if let Some(note) = &source.note {
            s.push_str(&format!(" {}", text(note)));
        }
        if source.entry.is_some() {
            s.push_str(" A claim from it links the entry of the release it names.");
        }
        s
    }
}

/// Who makes `claim`, one of `p`'s claims as [`sources`] yields them with `who`.
fn origin<'g>(grid: &'g Grid, p: &Pattern, who: &'static str, claim: &Claim) -> Origin<'g> {
    // `sources` yields the pattern's `[claim]` (the article's) and its `[changelog]`.
    let source = if p.meta.changelog.as_ref() == Some(claim) {
        &grid.sources.changelog
    } else {
        &grid.sources.article
    };
    Origin {
        who,
        source: source.as_ref(),
    }
}

/// `PyO3's changelog` → `pyo3-s-changelog`, for anchors.
fn slug(words: &str) -> String {
    words.replace(['\'', ' '], "-").to_lowercase()
}

/// `the article` → `The article`.
fn capitalized(words: &str) -> String {
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The grid's newest release at `point` (`0.23` → `0.23.5`).
fn release_at<'g>(grid: &'g Grid, point: &Point) -> Option<&'g Release> {
    grid.releases
        .iter()
        .filter(|r| point.admits_as_start(r) && point.admits_as_end(r))
        .max()
}

/// The version a claim names, linked to its source's entry for that release when the source
/// has entries and the grid has the release.
fn version(grid: &Grid, origin: &Origin, version: &Point) -> String {
    let entry = release_at(grid, version).and_then(|r| origin.source?.entry_of(r));
    match entry {
        Some(url) => format!("[{version}]({url})"),
        None => version.to_string(),
    }
}

/// The releases a claim names (`0.22 on`, `0.22 to 0.24`, `up to 0.20`, the release its
/// source writes for, or `any release`) and the variant it is about, if any: `0.22 on
/// [abi3]`. The version is linked as [`version`] links it.
fn names(grid: &Grid, origin: &Origin, c: &Claim) -> String {
    let releases = match (&c.version, &c.until, &c.context) {
        (Some(v), Some(u), _) => format!("{} to {u}", version(grid, origin, v)),
        (Some(v), None, _) => format!("{} on", version(grid, origin, v)),
        // The context is where the claim is checked from (see `claims::covers`).
        (None, Some(u), Some(context)) if u == context => format!("{u} alone"),
        (None, Some(u), Some(context)) => format!("{context} to {u}"),
        (None, Some(u), None) => format!("up to {u}"),
        (None, None, Some(context)) => format!("no version; written for {context} on"),
        (None, None, None) => "any release".into(),
    };
    match &c.variant {
        Some(variant) => format!("{releases} [{variant}]"),
        None => releases,
    }
}

/// The first words of a claim, up to [`SHORT_CLAIM`] characters, cut between words and
/// outside code spans, with `…` where cut.
fn shortened(claim: &str) -> String {
    let one_line = claim.replace('\n', " ");
    if one_line.chars().count() <= SHORT_CLAIM {
        return one_line;
    }
    let limit = one_line
        .char_indices()
        .nth(SHORT_CLAIM)
        .map_or(one_line.len(), |(i, _)| i);
    let cut = one_line[..limit]
        .rmatch_indices(' ')
        .map(|(i, _)| i)
        .find(|&i| one_line[..i].matches('`').count() % 2 == 0)
        .unwrap_or(limit);
    format!("{}…", one_line[..cut].trim_end_matches([',', ';', ':', '.']))
}

/// Cells listed by state, so that ○ not yet available and ◐ GIL re-enabled show as such:
/// `✗ compile-error on 3.12: 0.22.6–0.23.5`, one per line.
fn by_state(grid: &Grid, cells: &[&CellResult]) -> Vec<String> {
    let mut states: BTreeMap<State, Vec<&CellResult>> = BTreeMap::new();
    for &c in cells {
        states.entry(grid.state(c)).or_default().push(c);
    }
    states
        .into_iter()
        .map(|(state, cells)| format!("{} on {}", state.label(), spans(grid, &cells)))
        .collect()
}

/// A claim of `p` with its verdict, as Markdown: the quote, who makes it (linked to its
/// entry in `claims_page`, the link to `claims.md` from the page drawn), what it names and
/// predicts, the verdict with its reason, and the cells that decide it.
pub(super) fn checked(
    grid: &Grid,
    p: &Pattern,
    (who, claim): (&'static str, &Claim),
    checked: &ClaimCheck,
    claims_page: &str,
) -> String {
    let origin = origin(grid, p, who, claim);
    let mut s = format!(
        "> {}\n\n— {}. *Names:* {} · *Predicts:* `{}` · **Verdict: {}** — {}.\n\n",
        text(&claim.text).replace('\n', "\n> "),
        origin.link(claims_page),
        names(grid, &origin, claim),
        claim.expect.map_or("nothing observable".to_string(), |e| e.to_string()),
        checked.verdict,
        text(&checked.reason)
    );
    let expect = claim.expect.map(|e| e.to_string()).unwrap_or_default();
    for (title, cells) in [
        (format!("Show '{expect}'"), &checked.matching),
        (format!("Do not show '{expect}'"), &checked.contrary),
        (
            "Already before, or still after, the releases it names".to_string(),
            &checked.beyond,
        ),
        (
            "Told apart, on interpreters their release never supported".to_string(),
            &checked.unsupported,
        ),
        ("Work with a variant".to_string(), &checked.variants_work),
    ] {
        if !cells.is_empty() {
            s.push_str(&format!("- {title}:\n"));
            for line in by_state(grid, cells) {
                s.push_str(&format!("  - {line}\n"));
            }
        }
    }
    s
}

/// Whether the article's date for a release (`Dec 2023`, `mid 2025`, `early 2025`) covers the
/// date PyO3's changelog gives it (`2023-10-11`); `None` when either cannot be read.
fn date_agrees(dated: &str, released: &str) -> Option<bool> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let mut parts = released.split('-');
    let (year, month): (u32, u32) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    let words: Vec<String> = dated.split_whitespace().map(str::to_lowercase).collect();
    let [when, said_year] = &words[..] else {
        return None;
    };
    let said_year: u32 = said_year.parse().ok()?;
    let months = match when.as_str() {
        "early" => 1..=4,
        "mid" => 5..=8,
        "late" => 9..=12,
        word => {
            let m = MONTHS.iter().position(|m| word.starts_with(m))? as u32 + 1;
            m..=m
        }
    };
    Some(said_year == year && months.contains(&month))
}

/// The one verdict of several checks: confirmed or refuted when all agree, partly when they
/// do not, undecided when none decides.
fn overall(verdicts: &[Verdict]) -> Verdict {
    let decided: Vec<Verdict> = verdicts.iter().copied().filter(|v| *v != Verdict::Undecided).collect();
    match decided.first() {
        None => Verdict::Undecided,
        Some(first) if decided.iter().all(|v| v == first) => *first,
        Some(_) => Verdict::Partly,
    }
}

/// Statements a source makes of releases, in its order (the article's version history,
/// the changelog's interpreter support): `heading` and its introduction, then each
/// statement's date beside the changelog's, each checkable sentence with its verdict, and
/// what no cell decides. `origin` makes them.
fn statements(grid: &Grid, heading: &str, statements: &[Bullet], origin: &Origin) -> String {
    // A table of other interpreters, releases or fewer patterns (`run --matrix-set`) judges
    // only the sentences its cells can: a check with no cell of its pattern, interpreter and
    // releases is left out, and a statement with none left.
    let judged = |c: &&Check| {
        grid.claim_cells_of(&c.pattern, c.claim.variant.as_deref())
            .iter()
            .any(|cell| c.claim.python.is_none_or(|python| cell.id.python == python) && covers(&c.claim, &cell.id.pyo3))
    };
    let kept: Vec<(&Bullet, Vec<&Check>)> = statements
        .iter()
        .map(|b| (b, b.checks.iter().filter(judged).collect::<Vec<_>>()))
        .filter(|(_, checks)| !checks.is_empty())
        .collect();
    if kept.is_empty() {
        return String::new();
    }
    let mut s = format!("{heading}\n\n");
    for (bullet, checks) in kept {
        let changelog = bullet
            .released
            .as_deref()
            .map(|d| format!("{}.0 on {d}", bullet.release));
        let date = match (&bullet.dated, &changelog) {
            (Some(said), Some(logged)) => {
                let agrees = match date_agrees(said, bullet.released.as_deref().unwrap_or_default()) {
                    Some(true) => "agrees",
                    Some(false) => "does not agree",
                    None => "cannot be compared",
                };
                format!("{}: {said}; PyO3's changelog: {logged} ({agrees})", origin.who)
            }
            (Some(said), None) => format!("{}: {said}", origin.who),
            (None, Some(logged)) => format!("PyO3's changelog: {logged}"),
            (None, None) => String::new(),
        };
        let results: Vec<_> = checks
            .into_iter()
            .map(|c| (c, check(grid, &c.pattern, &c.claim)))
            .collect();
        let verdict = overall(&results.iter().map(|(_, r)| r.verdict).collect::<Vec<_>>());
        // A paragraph outside the bullets is about releases from one on, not one release.
        let heading = match &bullet.part {
            Some(part) => format!("{} ({} on)", capitalized(&text(part)), bullet.release),
            None if date.is_empty() => bullet.release.to_string(),
            None => format!("{} ({date})", bullet.release),
        };
        s.push_str(&format!("### {heading}: {verdict}\n\n> {}\n\n", text(&bullet.says)));
        s.push_str(&head([
            format!("{} says", capitalized(origin.who)).as_str(),
            "cells of",
            "predicts",
            "verdict, and why",
        ]));
        for (c, result) in &results {
            let on = match (&c.claim.python, &c.claim.variant) {
                (Some(py), Some(v)) => format!("{} [{v}] on {py}", c.pattern),
                (Some(py), None) => format!("{} on {py}", c.pattern),
                (None, Some(v)) => format!("{} [{v}]", c.pattern),
                (None, None) => c.pattern.clone(),
            };
            s.push_str(&row([
                format!("“{}”", text(&c.claim.text)),
                format!("[{on}](patterns/{}.md), {}", c.pattern, names(grid, origin, &c.claim)),
                c.claim.expect.map(|e| format!("`{e}`")).unwrap_or_default(),
                format!("**{}**: {}", result.verdict, text(&result.reason)),
            ]));
        }
        s.push('\n');
        for unchecked in &bullet.unchecked {
            s.push_str(&format!("- Not decided by these cells: {}\n", text(unchecked)));
        }
        if !bullet.unchecked.is_empty() {
            s.push('\n');
        }
    }
    s
}

/// The article's version history and PyO3's changelog's statements of interpreter support.
fn histories(grid: &Grid) -> String {
    let article = Origin {
        who: "the article",
        source: grid.sources.article.as_ref(),
    };
    let changelog = Origin {
        who: "PyO3's changelog",
        source: grid.sources.changelog.as_ref(),
    };
    statements(
        grid,
        "## The article's version history, bullet by bullet\n\n\
         Each bullet of its section *Version History That Changes the Failure Mode*, in its order: \
         the date it gives beside the one PyO3's changelog gives the minor's first release, then each \
         sentence that cells can decide, judged by the rule below.",
        &grid.sources.history,
        &article,
    ) + &statements(
        grid,
        "## Interpreter support, as PyO3's changelog states it\n\n\
         Each entry that drops or adds an interpreter, quoted from the release's changelog, beside \
         the cells of that interpreter (PyO3's refusals count).",
        &grid.sources.support,
        &changelog,
    ) + &statements(
        grid,
        "## Interpreter bounds, as PyO3's build script states them\n\n\
         The oldest and newest CPython and PyPy each release's build script accepts (its \
         free-threaded check is another, told above), beside the cells of each interpreter the \
         table has: inside the bounds PyO3 should accept the interpreter (`accepted`: the module \
         may still fail on its own, as the minimal module does before 0.21, which has no Bound \
         API), outside them refuse it (`unsupported`).",
        &grid.sources.bounds.as_ref().map(Bounds::statements).unwrap_or_default(),
        &Origin {
            who: "PyO3's build script",
            source: None,
        },
    )
}

/// The document.
pub fn render(grid: &Grid) -> String {
    let mut s = String::from("# Claims, checked against observations\n\n");
    let mut origins: Vec<Origin> = Vec::new();
    let mut summary = head(["pattern: claim", "who", "names", "predicts", "verdict, and why"]);
    let mut body = String::new();
    let mut counts: BTreeMap<(&str, Verdict), usize> = BTreeMap::new();
    for p in grid.patterns() {
        for (who, claim) in sources(p) {
            let origin = origin(grid, p, who, claim);
            let result = check(grid, &p.id, claim);
            *counts.entry((who, result.verdict)).or_default() += 1;
            let anchor = format!("{}--{}", p.id, slug(who));
            summary.push_str(&row([
                format!("[{}](#{anchor}): “{}”", p.id, text(&shortened(&claim.text))),
                origin.link(""),
                names(grid, &origin, claim),
                claim.expect.map(|e| format!("`{e}`")).unwrap_or_default(),
                format!("**{}**: {}", result.verdict, text(&result.reason)),
            ]));
            body.push_str(&format!(
                "<a id=\"{anchor}\"></a>\n\n### [{}](patterns/{}.md), {who}\n\n{}\n",
                p.id,
                p.id,
                checked(grid, p, (who, claim), &result, "")
            ));
            if origins.iter().all(|o| o.who != who) {
                origins.push(origin);
            }
        }
    }
    let histories = histories(grid);
    if counts.is_empty() && histories.is_empty() {
        s.push_str("No pattern carries a claim yet.\n");
        return s;
    }
    if !origins.is_empty() {
        s.push_str("## Sources\n\n");
        for o in &origins {
            s.push_str(&format!("- <a id=\"{}\"></a>{}\n", o.anchor(), o.described()));
        }
        s.push('\n');
    }
    s.push_str(&format!("How a verdict is reached: {RULE}\n\n"));
    let beside = grid.beside_releases();
    if !beside.is_empty() {
        let names: Vec<String> = beside.iter().map(ToString::to_string).collect();
        s.push_str(&format!(
            "Beside this table's releases, claims count the cells the matrix's table of every patch \
             observed at {} (`run --matrix-set` with `patches_of`), cited by release like the rest.\n\n",
            names.join(", ")
        ));
    }
    s.push_str(&histories);
    if counts.is_empty() {
        // A table of a crate of the user's (`scan`), judged on the statements alone.
        return s;
    }
    let mut totals: Vec<String> = Vec::new();
    for ((who, verdict), n) in &counts {
        match totals.last_mut() {
            Some(line) if line.starts_with(who) => line.push_str(&format!(", {n} {verdict}")),
            _ => totals.push(format!("{who}: {n} {verdict}")),
        }
    }
    s.push_str(&format!(
        "## Summary\n\n{}. Each claim is quoted whole, with the cells that decide it, below the table.\n\n\
         {summary}\n## Each claim\n\n{body}",
        totals.join("; ")
    ));
    s
}

#[cfg(test)]
mod tests {
    use crate::fixture;
    use crate::grid::Grid;
    use crate::markdown::{assert_has, draw};
    use pyo3_matrix_model::{Source, Sources};

    /// Sources as `matrix/sources.toml` describes them.
    fn sources() -> Sources {
        Sources {
            article: Some(Source {
                title: "Fix: PyO3 Not Working".into(),
                part_of: Some("Python Errors".into()),
                url: None,
                entry: None,
                note: Some("Kept in the research seed.".into()),
            }),
            changelog: Some(Source {
                title: "PyO3 CHANGELOG.md".into(),
                part_of: None,
                url: Some("https://github.com/PyO3/pyo3/blob/main/CHANGELOG.md".into()),
                entry: Some("https://github.com/PyO3/pyo3/blob/v{version}/CHANGELOG.md".into()),
                note: None,
            }),
            history: Vec::new(),
            support: Vec::new(),
            bounds: None,
            unsafe_settings: Vec::new(),
        }
    }

    #[test]
    fn cells_of_another_table_at_patches_this_one_lacks_count_beside_the_minors() {
        let mut sources = sources();
        let mut bullet = one_check_bullet();
        bullet.checks[0].claim.python = Some("3.12".parse().unwrap());
        sources.history = vec![bullet];
        let results = fixture::results();
        let mut patches = fixture::results();
        patches.results = vec![
            fixture::cell(
                "vec_u8_return",
                "0.22.4",
                "3.12",
                pyo3_matrix_model::Outcome::CompileError,
            ),
            // A release this table has is its own, never another table's.
            fixture::cell("vec_u8_return", "0.22.6", "3.12", pyo3_matrix_model::Outcome::Crash),
        ];
        let tables = [patches];
        let grid = Grid::new(&results, &fixture::patterns())
            .with_sources(sources)
            .beside(&tables);
        let doc = super::render(&grid);
        assert_has(
            &doc,
            &[
                "claims count the cells the matrix's table of every patch observed at 0.22.4 (",
                "**partly**: true from 0.22.6, not in 0.22.4; 1 of the 2 counted cells shows 'works', the first that does not is 0.22.4/3.12 (compile-error)",
            ],
        );
    }

    /// A bullet of one check: vec_u8_return works in 0.22.
    fn one_check_bullet() -> pyo3_matrix_model::Bullet {
        pyo3_matrix_model::Bullet {
            release: "0.22".parse().unwrap(),
            dated: None,
            says: "Returns bytes".into(),
            part: None,
            checks: vec![pyo3_matrix_model::Check {
                pattern: "vec_u8_return".into(),
                claim: pyo3_matrix_model::Claim {
                    text: "Returns bytes".into(),
                    version: Some("0.22".parse().unwrap()),
                    until: Some("0.22".parse().unwrap()),
                    context: None,
                    expect: Some(pyo3_matrix_model::Expectation::Works),
                    variant: None,
                    python: None,
                    quotes: Vec::new(),
                    last: false,
                    except: Vec::new(),
                },
            }],
            unchecked: Vec::new(),
            released: None,
        }
    }

    #[test]
    fn the_build_scripts_bounds_are_judged_release_by_release() {
        let mut sources = sources();
        use pyo3_matrix_model::{Bounds, ReleaseBounds, Span};
        let release = |minor: &str, tag: &str, max: u32| ReleaseBounds {
            release: minor.parse().unwrap(),
            tag: tag.parse().unwrap(),
            cpython: Span {
                min: (3, 7),
                max: Some((3, max)),
            },
            pypy: Span {
                min: (3, 7),
                max: Some((3, 10)),
            },
            free_threaded: None,
        };
        sources.bounds = Some(Bounds {
            pattern: "vec_u8_return".into(),
            source: "pyo3-ffi/build.rs".into(),
            releases: vec![release("0.21", "0.21.2", 12), release("0.22", "0.22.6", 11)],
        });
        let results = fixture::results();
        let grid = Grid::new(&results, &fixture::patterns()).with_sources(sources);
        let doc = super::render(&grid);
        assert_has(
            &doc,
            &[
                "## Interpreter bounds, as PyO3's build script states them\n",
                "### 0.21: confirmed\n\n> CPython 3.7 to 3.12; PyPy 3.7 to 3.10 (pyo3-ffi/build.rs at v0.21.2)\n",
                "| “accepts 3.12” | [vec_u8_return on 3.12](patterns/vec_u8_return.md), 0.21.2 alone | `accepted` | **confirmed**",
                // A maximum the cells contradict is refuted, with the cell.
                "### 0.22: refuted\n",
                "| “refuses 3.12” | [vec_u8_return on 3.12](patterns/vec_u8_return.md), 0.22.6 alone | `unsupported` | **refuted**",
            ],
        );
        // The free-threaded column is another check's: no prediction is made for it.
        assert!(
            !doc.contains("accepts 3.13t") && !doc.contains("refuses 3.13t"),
            "{doc}"
        );
    }

    #[test]
    fn the_articles_dates_are_compared_with_the_changelogs() {
        use super::date_agrees;
        assert_eq!(date_agrees("Dec 2023", "2023-10-11"), Some(false));
        assert_eq!(date_agrees("Mar 2024", "2024-03-25"), Some(true));
        assert_eq!(date_agrees("mid 2023", "2023-05-31"), Some(true));
        assert_eq!(date_agrees("early 2025", "2024-11-15"), Some(false));
        assert_eq!(date_agrees("someday", "2024-11-15"), None);
        use super::overall;
        use crate::claims::Verdict::*;
        assert_eq!(overall(&[Confirmed, Confirmed, Undecided]), Confirmed);
        assert_eq!(overall(&[Confirmed, Refuted]), Partly);
        assert_eq!(overall(&[Undecided]), Undecided);
    }

    #[test]
    fn the_version_history_is_told_bullet_by_bullet() {
        let mut sources = sources();
        let says = "Deprecation warnings landed";
        sources.history = vec![pyo3_matrix_model::Bullet {
            release: "0.21".parse().unwrap(),
            dated: Some("Mar 2024".into()),
            says: says.into(),
            part: None,
            checks: vec![pyo3_matrix_model::Check {
                pattern: "gilref_any_arg".into(),
                claim: pyo3_matrix_model::Claim {
                    text: says.into(),
                    version: Some("0.21".parse().unwrap()),
                    until: Some("0.21".parse().unwrap()),
                    context: None,
                    expect: Some("deprecated".parse().unwrap()),
                    variant: None,
                    python: None,
                    quotes: Vec::new(),
                    last: false,
                    except: Vec::new(),
                },
            }],
            unchecked: vec!["Py<T> was clarified: no build decides it".into()],
            released: Some("2024-03-25".into()),
        }];
        // A bullet whose only check is on a pattern this table lacks is left out.
        let mut elsewhere = sources.history[0].clone();
        elsewhere.release = "0.22".parse().unwrap();
        elsewhere.checks[0].pattern = "not_in_this_table".into();
        sources.history.push(elsewhere);
        // A paragraph outside the bullets is headed by where it is and the releases it covers.
        let mut paragraph = sources.history[0].clone();
        paragraph.part = Some("the paragraph on x".into());
        sources.history.push(paragraph);
        // The changelog's statements of support are told the same way, by the changelog.
        let mut support = sources.history[0].clone();
        support.dated = None;
        support.says = "Drop support for an interpreter".into();
        sources.support = vec![support];
        let results = fixture::results();
        let grid = Grid::new(&results, &fixture::patterns()).with_sources(sources);
        let doc = super::render(&grid);
        assert_has(
            &doc,
            &[
                "## The article's version history, bullet by bullet\n",
                "### 0.21 (the article: Mar 2024; PyO3's changelog: 0.21.0 on 2024-03-25 (agrees)): confirmed\n\n> Deprecation warnings landed\n",
                "| “Deprecation warnings landed” | [gilref_any_arg](patterns/gilref_any_arg.md), 0.21 to 0.21 | `deprecated` | **confirmed**: the only counted cell in range shows 'deprecated' |",
                "- Not decided by these cells: Py\\<T> was clarified: no build decides it\n",
            ],
        );
        assert!(
            doc.find("version history").unwrap() < doc.find("## Summary").unwrap(),
            "told first"
        );
    }

    #[test]
    fn verdicts_beside_the_cells_that_decide_them() {
        let results = fixture::results();
        let grid = Grid::new(&results, &fixture::patterns()).with_sources(sources());
        let doc = super::render(&grid);
        assert_has(
            &doc,
            &[
                "- <a id=\"source-the-article\"></a>**The article**: *Fix: PyO3 Not Working*, part of *Python Errors*. Kept in the research seed.\n",
                "- <a id=\"source-pyo3-s-changelog\"></a>**PyO3's changelog**: [PyO3 CHANGELOG.md](https://github.com/PyO3/pyo3/blob/main/CHANGELOG.md). A claim from it links the entry of the release it names.\n",
                "PyO3's changelog: 1 confirmed; the article: 1 confirmed, 1 refuted, 1 partly.",
                "| [gilref_any_arg](#gilref_any_arg--the-article): “GIL refs stop compiling in 0.22” | [the article](#source-the-article) | 0.22 on | `breaks` | **confirmed**: all 3 counted cells in range show 'breaks' |",
                "| [vec_u8_return](#vec_u8_return--pyo3-s-changelog): “0.23: `Vec<u8>` converts to `list`” | [PyO3's changelog](#source-pyo3-s-changelog) | [0.23](https://github.com/PyO3/pyo3/blob/v0.23.5/CHANGELOG.md) on | `test-fail` | **confirmed**",
                // The reason of a refutation names the first contrary cell and what it said.
                "**refuted**: none of the 2 counted cells in range shows 'works'; the first is 0.23.5/3.12 (test-fail: AssertionError: [104, 105] is not bytes at 0x…) |",
                "— [PyO3's changelog](#source-pyo3-s-changelog). *Names:* [0.23](https://github.com/PyO3/pyo3/blob/v0.23.5/CHANGELOG.md) on",
                "  - ✗T test-fail on 3.12: 0.23.5; 3.13t: 0.23.5\n",
                // static_ref_exit: a crash, a hang and a pass: partly, with its side.
                "**Verdict: partly** — true until 0.21, not from 0.22; 1 of the 4 counted cells shows 'crash', the first that does not is 0.22.6/3.12 (hang).",
                "  - ∞ hang on 3.12: 0.22.6\n",
                "  - ◐ works, GIL re-enabled on 3.13t: 0.23.5\n",
            ],
        );
    }

    #[test]
    fn undescribed_sources_are_named_without_a_title() {
        let doc = draw(super::render);
        assert_has(
            &doc,
            &[
                "**PyO3's changelog**: not described in the matrix's `sources.toml`.",
                "| [PyO3's changelog](#source-pyo3-s-changelog) | 0.23 on |",
            ],
        );
    }

    #[test]
    fn long_claims_are_cut_between_words_outside_code() {
        assert_eq!(super::shortened("short"), "short");
        let cut = super::shortened(
            "0.24+ (mid 2025): ... the legacy &PyT deprecation warnings became hard errors in most contexts.",
        );
        assert_eq!(cut, "0.24+ (mid 2025): ... the legacy &PyT deprecation warnings…");
        let code = super::shortened("Returning `Vec<u8> from a function that is long enough` to be cut, really");
        assert_eq!(code, "Returning `Vec<u8> from a function that is long enough` to…");
        let no_space_outside_code = super::shortened(&format!("`{}`", "x ".repeat(40)));
        assert!(no_space_outside_code.ends_with('…'), "{no_space_outside_code}");
    }
}
