//! The article's version history, bullet by bullet (`[[history]]` in `matrix/sources.toml`):
//! what each bullet says of a release, the date it gives, and the checks that decide it, each
//! a [`Claim`] on one pattern's cells, judged by the same rule as the patterns' claims.

use crate::{Claim, Point, ReleaseDef};
use serde::{Deserialize, Serialize};

/// One bullet of the article's version history, in the article's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bullet {
    /// The release the bullet is about (`0.20`).
    pub release: Point,
    /// The date the article gives it, in its words (`Dec 2023`).
    #[serde(default)]
    pub dated: Option<String>,
    /// Where the article says it, when not in the version history's own bullets (`the
    /// paragraph on free-threaded builds`).
    #[serde(default)]
    pub part: Option<String>,
    /// What the bullet says, quoted.
    pub says: String,
    /// The sentences of the bullet that cells can decide.
    #[serde(default, rename = "check")]
    pub checks: Vec<Check>,
    /// What the bullet says that no cell of the matrix decides, and what would.
    #[serde(default)]
    pub unchecked: Vec<String>,
    /// The date PyO3's changelog gives the first release of that minor (`2023-10-11` for
    /// 0.20.0), from `matrix.toml`; see [`Bullet::date_from`].
    #[serde(skip)]
    pub released: Option<String>,
}

impl Bullet {
    /// The bullet with its release's date taken from the matrix's releases.
    pub fn date_from(mut self, releases: &[ReleaseDef]) -> Bullet {
        let minor = self.release.minor();
        self.released = releases
            .iter()
            .find(|r| r.version.minor() == minor)
            .and_then(|r| r.first_released.clone());
        self
    }
}

/// One checkable sentence of a bullet: a claim on one pattern's cells, written as a
/// pattern's `[claim]` plus `pattern = "<id>"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The pattern whose cells decide it.
    pub pattern: String,
    /// The claim, as a pattern's `[claim]` states one.
    #[serde(flatten)]
    pub claim: Claim,
}

impl<'de> Deserialize<'de> for Check {
    /// `pattern` taken out, the rest read as a [`Claim`], whose unknown fields are refused
    /// (serde's `flatten` would let a misspelt one pass silently).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut table = toml::Table::deserialize(d)?;
        let pattern = match table.remove("pattern") {
            Some(toml::Value::String(pattern)) => pattern,
            _ => return Err(D::Error::custom("a check needs pattern = \"<pattern id>\"")),
        };
        let claim = Claim::deserialize(toml::Value::Table(table)).map_err(D::Error::custom)?;
        if let Some(message) = claim.misquoted() {
            return Err(D::Error::custom(message));
        }
        Ok(Check { pattern, claim })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bullet_reads_with_its_checks_and_takes_its_date_from_the_matrix() {
        let bullet: Bullet = toml::from_str(
            "release = '0.20'\ndated = 'Dec 2023'\nsays = 'Introduced Bound'\n\
             unchecked = ['maturin']\n\
             [[check]]\npattern = 'p'\ntext = 'Bound exists'\nversion = '0.20'\nexpect = 'works'\npython = '3.12'\n",
        )
        .unwrap();
        assert_eq!(bullet.checks.len(), 1);
        assert_eq!(bullet.checks[0].pattern, "p");
        assert_eq!(
            bullet.checks[0].claim.python.map(|p| p.to_string()).as_deref(),
            Some("3.12")
        );
        let releases: Vec<ReleaseDef> = toml::from_str::<toml::Table>(
            "[[release]]\nversion = '0.20.3'\nfirst_released = '2023-10-11'\nreleased = '2024-02-23'\n",
        )
        .unwrap()["release"]
            .clone()
            .try_into()
            .unwrap();
        let dated = bullet.date_from(&releases);
        assert_eq!(dated.released.as_deref(), Some("2023-10-11"));
        let typo = toml::from_str::<Bullet>(
            "release = '0.20'\nsays = 's'\n[[check]]\npattern = 'p'\ntext = 't'\nexpcet = 'works'\n",
        );
        assert!(typo.unwrap_err().to_string().contains("expcet"));
    }
}
