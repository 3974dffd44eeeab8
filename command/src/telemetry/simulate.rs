//! What a simulated droplet reports at a moment: a pure function of the seed, the droplet,
//! its size, the time and the load injected on it, so tests and demos repeat exactly.
//!
//! Each droplet has a base demand (CPU in vCPUs, memory in MiB, traffic in bytes/s) drawn
//! from its id; demand follows a daily cycle with a phase of its own, plus noise and, on about
//! one sample in fifty, a spike. Percentages are demand over the size's capacity, so a resize
//! to twice the vCPUs halves CPU. Disk fills slowly from the image's footprint. Injected load
//! adds percentage points on top.

use schema::catalog::SizeInfo;
use schema::metrics::{InjectedLoad, MetricName};

/// A droplet as the simulator sees it.
#[derive(Debug, Clone, Copy)]
pub struct SimDroplet<'a> {
    /// The droplet id's 128 bits (its identity in the random draws).
    pub id: u128,
    /// Its size now.
    pub size: &'a SizeInfo,
    /// When it was created, in microseconds since the epoch (disk grows from then).
    pub created_us: i64,
    /// Load injected on the droplet itself.
    pub load: Option<InjectedLoad>,
    /// Load injected on its cluster (applies to each of its droplets).
    pub cluster_load: Option<InjectedLoad>,
}

/// One droplet's sample: a value per [`MetricName::DROPLET`] metric, in that order.
pub type DropletSample = [f64; 6];

const DAY_US: f64 = 86_400e6;

/// SplitMix64: a small, well-mixed deterministic hash step.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A deterministic draw in [0, 1) for `(seed, id, salt)`.
fn unit(seed: u64, id: u128, salt: u64) -> f64 {
    let folded = (id as u64) ^ ((id >> 64) as u64).rotate_left(17);
    let h = mix(seed ^ mix(folded ^ mix(salt)));
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Roughly normal noise with mean 0 and standard deviation about `sd` (sum of four uniforms).
fn noise(seed: u64, id: u128, salt: u64, sd: f64) -> f64 {
    let sum: f64 = (0..4).map(|i| unit(seed, id, salt.wrapping_add(i))).sum();
    (sum - 2.0) * sd * 1.732
}

/// The injected percentage points of `pick` active at `at_us`.
fn injected(d: &SimDroplet<'_>, at_us: i64, pick: fn(&InjectedLoad) -> f64) -> f64 {
    [d.load, d.cluster_load]
        .iter()
        .flatten()
        .filter(|l| l.active_at(at_us))
        .map(pick)
        .sum()
}

/// What droplet `d` reports at `at_us` (a multiple of the reporting interval).
pub fn droplet_sample(seed: u64, d: &SimDroplet<'_>, at_us: i64) -> DropletSample {
    let tick = at_us as u64;
    // Who the droplet is: stable for its whole life.
    let base_cpu = 0.15 + 0.5 * unit(seed, d.id, 1); // vCPUs busy
    let base_mem = 250.0 + 500.0 * unit(seed, d.id, 2); // MiB in use
    let base_net = 20_000.0 + 1_980_000.0 * unit(seed, d.id, 3).powi(2); // bytes/s in
    let out_ratio = 0.4 + 1.2 * unit(seed, d.id, 4);
    let phase = unit(seed, d.id, 5) * DAY_US;
    let disk_growth_gb_per_day = 0.05 + 0.25 * unit(seed, d.id, 6);
    // The moment.
    let daily = (std::f64::consts::TAU * ((at_us as f64 + phase) % DAY_US) / DAY_US).sin();
    let spike = if unit(seed, d.id, tick ^ 0x5b1e) < 0.02 {
        1.5 + unit(seed, d.id, tick ^ 0x5b1f)
    } else {
        1.0
    };
    let busy = (1.0 + 0.35 * daily + noise(seed, d.id, tick ^ 0xc0, 0.08)).max(0.05) * spike;

    let vcpus = f64::from(d.size.vcpus);
    let cpu_fraction = (base_cpu * busy / vcpus).min(1.0);
    let cpu = (cpu_fraction * 100.0 + injected(d, at_us, |l| l.cpu)).clamp(0.0, 100.0);
    let mem_mb = base_mem * (1.0 + 0.1 * daily + noise(seed, d.id, tick ^ 0x3e, 0.02));
    let memory = (mem_mb / f64::from(d.size.memory_mb) * 100.0 + injected(d, at_us, |l| l.memory))
        .clamp(0.0, 100.0);
    let age_days = ((at_us - d.created_us).max(0) as f64) / DAY_US;
    let disk_gb = 1.6 + disk_growth_gb_per_day * age_days + noise(seed, d.id, tick ^ 0xd1, 0.002);
    let disk = (disk_gb / f64::from(d.size.disk_gb) * 100.0).clamp(0.0, 99.5);
    // Traffic follows work: injected CPU brings requests with it.
    let traffic = busy * (1.0 + injected(d, at_us, |l| l.cpu) / 50.0);
    let network_in = (base_net * traffic * (1.0 + noise(seed, d.id, tick ^ 0x1e, 0.1))).max(0.0);
    let network_out = network_in * out_ratio;
    let load1 = (cpu / 100.0 * vcpus * (1.0 + noise(seed, d.id, tick ^ 0x10, 0.1)) + 0.02).max(0.0);
    [cpu, memory, disk, network_in, network_out, load1]
}

/// A cluster's simulated work queue at `at_us`: a small backlog of its own, with the daily
/// cycle, plus what an operator injected. It does not shrink with more droplets: the
/// autoscaler divides it by the droplet count.
pub fn queue_depth(seed: u64, cluster_id: u128, load: Option<&InjectedLoad>, at_us: i64) -> f64 {
    let base = 2.0 + 18.0 * unit(seed, cluster_id, 7);
    let phase = unit(seed, cluster_id, 8) * DAY_US;
    let daily = (std::f64::consts::TAU * ((at_us as f64 + phase) % DAY_US) / DAY_US).sin();
    let wobble = noise(seed, cluster_id, at_us as u64 ^ 0x9d, 0.15);
    let own = (base * (1.0 + 0.4 * daily + wobble)).max(0.0).round();
    own + load
        .filter(|l| l.active_at(at_us))
        .map_or(0.0, |l| l.queue_depth)
}

/// The index of `metric` in a [`DropletSample`].
pub fn index_of(metric: MetricName) -> Option<usize> {
    MetricName::DROPLET.iter().position(|m| *m == metric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema::Size;

    fn droplet(size: &'static str) -> SimDroplet<'static> {
        SimDroplet {
            id: 0x1234_5678_9abc_def0_1122_3344_5566_7788,
            size: Size::parse(size).unwrap().info(),
            created_us: 0,
            load: None,
            cluster_load: None,
        }
    }

    const AT: i64 = 1_764_676_800_000_000; // 2025-12-02T12:00:00Z

    #[test]
    fn the_same_seed_repeats_and_another_differs() {
        let d = droplet("s-1vcpu-1gb");
        assert_eq!(droplet_sample(7, &d, AT), droplet_sample(7, &d, AT));
        assert_ne!(droplet_sample(7, &d, AT), droplet_sample(8, &d, AT));
        assert_ne!(
            droplet_sample(7, &d, AT),
            droplet_sample(7, &d, AT + 10_000_000)
        );
    }

    #[test]
    fn values_stay_in_their_ranges_over_a_week() {
        let d = droplet("s-1vcpu-1gb");
        let mut spikes = 0;
        let mut previous_cpu = None;
        for i in 0..(7 * 8_640) {
            let s = droplet_sample(42, &d, AT + i * 10_000_000);
            for pct in &s[..3] {
                assert!((0.0..=100.0).contains(pct), "{s:?}");
            }
            assert!(s[3] >= 0.0 && s[4] >= 0.0 && s[5] >= 0.0, "{s:?}");
            if let Some(p) = previous_cpu {
                if s[0] > 1.4 * p {
                    spikes += 1;
                }
            }
            previous_cpu = Some(s[0]);
        }
        // About 2 % of samples spike (1,210 expected of 60,480); allow a wide band.
        assert!((400..3_000).contains(&spikes), "{spikes} spikes");
    }

    #[test]
    fn a_resize_lowers_cpu_and_memory_in_proportion() {
        let small = droplet_sample(1, &droplet("s-2vcpu-4gb"), AT);
        let large = droplet_sample(1, &droplet("s-4vcpu-8gb"), AT);
        assert!(
            (small[0] / large[0] - 2.0).abs() < 1e-9,
            "{small:?} {large:?}"
        );
        assert!(
            (small[1] / large[1] - 2.0).abs() < 1e-9,
            "{small:?} {large:?}"
        );
    }

    #[test]
    fn injected_load_adds_while_it_lasts() {
        let mut d = droplet("s-2vcpu-4gb");
        let before = droplet_sample(3, &d, AT);
        let until = chrono::DateTime::from_timestamp_micros(AT + 60_000_000).unwrap();
        d.load = Some(InjectedLoad {
            cpu: 50.0,
            memory: 10.0,
            queue_depth: 0.0,
            duration_seconds: 60,
            until,
        });
        let during = droplet_sample(3, &d, AT);
        assert!((during[0] - (before[0] + 50.0).min(100.0)).abs() < 1e-9);
        assert!((during[1] - (before[1] + 10.0).min(100.0)).abs() < 1e-9);
        assert!(during[3] > before[3], "traffic follows work");
        let after = droplet_sample(3, &d, AT + 60_000_000);
        d.load = None;
        assert_eq!(after, droplet_sample(3, &d, AT + 60_000_000));
    }

    #[test]
    fn disk_grows_slowly() {
        let d = droplet("s-1vcpu-1gb");
        let day0 = droplet_sample(5, &d, 0)[2];
        let day30 = droplet_sample(5, &d, 30 * 86_400_000_000)[2];
        assert!(day30 > day0 && day30 - day0 < 40.0, "{day0} → {day30}");
    }

    #[test]
    fn a_cluster_queue_adds_injected_items() {
        let until = chrono::DateTime::from_timestamp_micros(AT + 1).unwrap();
        let load = InjectedLoad {
            cpu: 0.0,
            memory: 0.0,
            queue_depth: 400.0,
            duration_seconds: 1,
            until,
        };
        let own = queue_depth(9, 77, None, AT);
        assert!((0.0..60.0).contains(&own), "{own}");
        assert_eq!(queue_depth(9, 77, Some(&load), AT), own + 400.0);
    }
}
