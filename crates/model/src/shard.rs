//! `--shard I/N`: which part of the matrix one CI job runs.

use crate::ModelError;
use std::fmt;

/// Part `index` (from 1) of `count` equal parts; cell `k` (from 0) belongs to part
/// `k % count + 1`, so every part gets a spread of releases and interpreters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This part, from 1.
    pub index: usize,
    /// Number of parts.
    pub count: usize,
}

impl Shard {
    /// Whether cell number `k` (counting from 0 in release-major order) is in this part.
    pub fn contains(&self, k: usize) -> bool {
        k % self.count + 1 == self.index
    }
}

impl std::str::FromStr for Shard {
    type Err = ModelError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || ModelError::BadShard(text.to_string());
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_cells() {
        let shards: Vec<Shard> = ["1/3", "2/3", "3/3"].iter().map(|s| s.parse().unwrap()).collect();
        for k in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.contains(k)).count(), 1);
        }
        for bad in ["0/2", "3/2", "1/0", "x/2", "2", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
