//! What the benches share: a criterion measurement that reads the thread's CPU clock.
//!
//! The targets are stated in CPU time ("under 1 ms of CPU"), and the machine the figures come
//! from is a shared 2-core one: wall-clock samples there include time spent waiting for a core,
//! which says more about the neighbours than about x402. `CLOCK_THREAD_CPUTIME_ID` counts only
//! the time this thread ran, user and kernel (file reads, `getrandom`) alike, so figures stay
//! comparable from one run to the next. Each bench also has a small wall-clock group.

use cpu_time::ThreadTime;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use std::time::Duration;

/// CPU time of the benchmarking thread (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`).
pub struct ThreadCpuTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = ThreadTime;
    type Value = Duration;

    fn start(&self) -> ThreadTime {
        ThreadTime::now()
    }
    fn end(&self, start: ThreadTime) -> Duration {
        start.elapsed()
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds, shown as ns/µs/ms exactly like wall-clock time.
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
}
