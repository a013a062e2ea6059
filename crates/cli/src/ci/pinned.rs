//! The actions the generated workflow uses, each pinned to the full commit its release tag
//! pointed to (a tag can be moved; a commit cannot), with the tag kept as a comment for
//! readers and for Dependabot. Verified with `git rev-parse <tag>^{commit}` on each
//! repository.

/// An action at one commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinnedAction {
    /// `owner/name`.
    pub repository: &'static str,
    /// The full 40-hex commit.
    pub commit: &'static str,
    /// The release tag that commit carries.
    pub tag: &'static str,
}

impl PinnedAction {
    /// `owner/name@commit`, the value of `uses:`.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.repository, self.commit)
    }
}

/// Checks out the user's repository.
pub const CHECKOUT: PinnedAction = PinnedAction {
    repository: "actions/checkout",
    commit: "3d3c42e5aac5ba805825da76410c181273ba90b1",
    tag: "v7.0.1",
};

/// Installs the interpreters; free-threaded labels such as `3.13t` work from v5.5.0 on.
pub const SETUP_PYTHON: PinnedAction = PinnedAction {
    repository: "actions/setup-python",
    commit: "5fda3b95a4ea91299a34e894583c3862153e4b97",
    tag: "v7.0.0",
};

/// Keeps each shard's results, and the merged results, as artifacts.
pub const UPLOAD_ARTIFACT: PinnedAction = PinnedAction {
    repository: "actions/upload-artifact",
    commit: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
    tag: "v7.0.0",
};

/// Brings the shards' results to the merge job.
pub const DOWNLOAD_ARTIFACT: PinnedAction = PinnedAction {
    repository: "actions/download-artifact",
    commit: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
    tag: "v8.0.1",
};
