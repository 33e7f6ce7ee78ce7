//! How busy the machine's processors were during a benchmark, from Linux's `/proc/stat`.
//!
//! Capture is CPU-bound on two cores: its events per second are the cores divided by the CPU
//! each event costs, whichever process spends it (this one, or the PostgreSQL server beside
//! it). So the machine's figure, not the process's, says what a throughput budget asks of the
//! code: 50,000 events/s on two cores is 40 µs of CPU per event.

/// Cumulative processor time of the whole machine, in the kernel's clock ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticks {
    /// Ticks spent running anything (user, nice, system, interrupts, stolen by the host).
    pub busy: u64,
    /// Ticks in all, idle and waiting for I/O included.
    pub total: u64,
}

/// The machine's ticks now; `None` where there is no `/proc/stat` (not Linux).
pub fn now() -> Option<Ticks> {
    parse(&std::fs::read_to_string("/proc/stat").ok()?)
}

/// Reads the aggregate `cpu` line: user nice system idle iowait irq softirq steal, then the
/// guest times, which user and nice already include.
fn parse(stat: &str) -> Option<Ticks> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [user, nice, system, idle, iowait, irq, softirq, steal] = v.try_into().ok()?;
    let busy = user + nice + system + irq + softirq + steal;
    Some(Ticks {
        busy,
        total: busy + idle + iowait,
    })
}

/// What the machine spent between two readings, for `events` events: "CPU x µs/event (y % of
/// n cores busy)". `/proc/stat` counts in USER_HZ, 100 ticks a second on Linux.
pub fn summary(before: Ticks, after: Ticks, events: usize) -> String {
    const HZ: f64 = 100.0;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let busy = after.busy.saturating_sub(before.busy) as f64;
    let total = after.total.saturating_sub(before.total).max(1) as f64;
    format!(
        "machine CPU {:.1} µs/event ({:.0} % of {cores} cores busy)",
        busy / HZ * 1e6 / events.max(1) as f64,
        100.0 * busy / total
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_aggregate_line_only() {
        let stat = "cpu  100 5 50 800 20 3 2 10 7 0\ncpu0 50 2 25 400 10 1 1 5 0 0\nintr 1\n";
        assert_eq!(
            parse(stat),
            Some(Ticks {
                busy: 170,
                total: 990
            })
        );
        assert_eq!(parse("cpu0 1 2 3 4 5 6 7 8\n"), None);
        assert_eq!(parse("cpu  1 2 x 4 5 6 7 8\n"), None);
        assert_eq!(parse("cpu  1 2 3\n"), None);
    }

    #[test]
    fn summary_is_per_event_and_a_share_of_the_cores() {
        let a = Ticks { busy: 0, total: 0 };
        // 2 s of CPU (200 ticks) over 2 s on two cores (400 ticks), 100,000 events.
        let b = Ticks {
            busy: 200,
            total: 400,
        };
        let s = summary(a, b, 100_000);
        assert!(s.starts_with("machine CPU 20.0 µs/event (50 % of "), "{s}");
    }
}
