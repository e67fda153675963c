//! The small timing harness the benchmarks share: one warm-up run, N timed runs, the median.
//! Each run is timed twice, by the wall clock and by the CPU time of the calling thread: on a
//! shared 2-core machine other processes steal the CPU, and thread CPU time is what stays
//! comparable. The tables report MB/s from CPU time and show the wall/CPU ratio ("load").

use std::hint::black_box;
use std::time::{Duration, Instant};

#[cfg(target_os = "linux")]
mod sys {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;

    /// CPU time of the calling thread.
    pub fn thread_cpu() -> Option<std::time::Duration> {
        let mut t = Timespec { sec: 0, nsec: 0 };
        // SAFETY: clock_gettime writes one timespec through a valid pointer.
        let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
        (rc == 0).then(|| std::time::Duration::new(t.sec as u64, t.nsec as u32))
    }
}

#[cfg(not(target_os = "linux"))]
mod sys {
    pub fn thread_cpu() -> Option<std::time::Duration> {
        None
    }
}

/// Median wall and CPU time of a measurement.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Duration,
}

impl Sample {
    /// The time the tables use: CPU time where the platform has it, else wall time.
    pub fn best(&self) -> Duration {
        if self.cpu.is_zero() {
            self.wall
        } else {
            self.cpu
        }
    }
    /// Wall over CPU time: 1.0 on an idle machine, 2.0 when another process took half the core.
    pub fn load(&self) -> f64 {
        if self.cpu.is_zero() {
            1.0
        } else {
            self.wall.as_secs_f64() / self.cpu.as_secs_f64()
        }
    }
    pub fn mbps(&self, bytes: usize) -> f64 {
        bytes as f64 / 1e6 / self.best().as_secs_f64()
    }
}

/// One warm-up run, then `iters` timed runs; the medians.
pub fn measure<R>(iters: usize, mut f: impl FnMut() -> R) -> Sample {
    black_box(f());
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..iters.max(1) {
        let c0 = sys::thread_cpu();
        let w0 = Instant::now();
        black_box(f());
        wall.push(w0.elapsed());
        cpu.push(match (c0, sys::thread_cpu()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => Duration::ZERO,
        });
    }
    wall.sort();
    cpu.sort();
    Sample { wall: wall[wall.len() / 2], cpu: cpu[cpu.len() / 2] }
}
