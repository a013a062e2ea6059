//! Anchors this release's lockfile; nothing to build.
