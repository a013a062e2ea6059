//! The run's share of the machine: a fixed number of slots that cargo's jobs and the test
//! processes draw from together, through the jobserver protocol cargo and rustc speak, so
//! cells can build and test side by side without running more processes than `--jobs`.

use crate::process::Process;
use anyhow::{Context, Result};

/// A pool of `count` slots; every build job and test process holds one while it runs.
#[derive(Debug)]
pub struct Slots {
    client: jobserver::Client,
    count: usize,
}

/// A slot held until it is dropped.
pub type Slot = jobserver::Acquired;

impl Slots {
    /// A pool of `count` slots (at least one).
    pub fn new(count: usize) -> Result<Self> {
        let count = count.max(1);
        let client = jobserver::Client::new(count).context("cannot create the jobserver that shares the cores")?;
        Ok(Self { client, count })
    }

    /// How many slots the pool has.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Waits for a free slot.
    pub fn acquire(&self) -> Result<Slot> {
        self.client.acquire().context("cannot take a slot from the jobserver")
    }

    /// Lets a cargo child take its extra jobs from this pool. cargo runs its first job on an
    /// implicit token, so the caller holds one slot from [`Slots::acquire`] while cargo runs.
    pub fn share_with(&self, mut process: Process) -> Process {
        self.client.configure(process.command_mut());
        process
    }
}

/// The number of cores this process may use: the default pool size.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
