//! Telemetry vocabulary: the metrics droplets and clusters report, the ranges a chart asks
//! for (parsed at the edge, errors naming the field) and the load an operator injects.
//!
//! Samples are observations, not events; the store keeps them apart from the event log
//! (`store::metrics`). Injected load is an operator action, so it is an event
//! ([`crate::DropletEvent::DropletLoadInjected`], [`crate::ClusterEvent::ClusterLoadInjected`]).

use crate::values::{string_enum, ValueError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

string_enum!(
    /// A reported metric.
    MetricName {
        Cpu => "CPU",
        Memory => "MEMORY",
        Disk => "DISK",
        NetworkIn => "NETWORK_IN",
        NetworkOut => "NETWORK_OUT",
        Load1 => "LOAD1",
        QueueDepth => "QUEUE_DEPTH",
    }
);

string_enum!(
    /// How a cluster's series combines its droplets' samples of one moment.
    Aggregate { Avg => "AVG", Max => "MAX", Min => "MIN", Sum => "SUM" }
);

impl MetricName {
    /// What every running droplet reports.
    pub const DROPLET: &'static [MetricName] = &[
        MetricName::Cpu,
        MetricName::Memory,
        MetricName::Disk,
        MetricName::NetworkIn,
        MetricName::NetworkOut,
        MetricName::Load1,
    ];

    /// The unit its values are in.
    pub fn unit(&self) -> &'static str {
        match self {
            Self::Cpu | Self::Memory | Self::Disk => "percent",
            Self::NetworkIn | Self::NetworkOut => "bytes/s",
            Self::Load1 => "load",
            Self::QueueDepth => "items",
        }
    }

    /// The lower-case name used in Prometheus metric names (`clustergenie_cluster_<this>`).
    pub fn prometheus_name(&self) -> &'static str {
        match self {
            Self::Cpu => "cpu_percent",
            Self::Memory => "memory_percent",
            Self::Disk => "disk_percent",
            Self::NetworkIn => "network_in_bytes_per_second",
            Self::NetworkOut => "network_out_bytes_per_second",
            Self::Load1 => "load1",
            Self::QueueDepth => "queue_depth",
        }
    }
}

/// Which series of the store a chart reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Every sample (kept for the raw retention).
    Raw,
    /// One-minute rollups.
    Minute,
    /// One-hour rollups.
    Hour,
}

/// The longest range a chart may ask for.
pub const MAX_RANGE_SECONDS: i64 = 30 * 86_400;
/// Most points one series may have.
pub const MAX_POINTS: i64 = 2_000;
/// About how many points a range has when no step is given.
const TARGET_POINTS: i64 = 360;
/// The steps chosen when none is given, in seconds: the smallest that keeps a range near
/// [`TARGET_POINTS`] and is not shorter than the reporting interval. From 15 minutes it jumps
/// to an hour, so a week reads the hourly rollup (168 points), not 10,080 minutes.
const NICE_STEPS: &[i64] = &[
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400,
];

/// Parses a duration such as `90s`, `15m`, `1h`, `24h` or `7d` into seconds (whole, positive).
pub fn parse_duration(field: &'static str, raw: &str) -> Result<i64, ValueError> {
    let s = raw.trim();
    let bad = || {
        ValueError::new(
            field,
            format!(
                "{} is not a duration; use a whole number and a unit s, m, h or d, e.g. \"15m\" or \"7d\"",
                crate::values::excerpt(raw)
            ),
        )
    };
    let unit = s.chars().last().ok_or_else(bad)?;
    let per = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        _ => return Err(bad()),
    };
    let digits = &s[..s.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 9 {
        return Err(bad());
    }
    let n: i64 = digits.parse().map_err(|_| bad())?;
    if n == 0 {
        return Err(ValueError::new(field, "must be longer than zero"));
    }
    Ok(n * per)
}

/// A range as asked: the last so long, or from one time to another, and maybe a step.
#[derive(Debug, Clone, Default)]
pub struct RangeDraft {
    pub last: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub step: Option<String>,
}

/// A checked range: `[from_us, to_us)` in steps of `step_us`, read at `resolution`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    pub from_us: i64,
    pub to_us: i64,
    pub step_us: i64,
    pub resolution: Resolution,
}

impl TimeRange {
    /// Checks `draft` at `now`; `interval_s` is how often samples arrive (no default step is
    /// shorter) and `raw_retention_s` how long raw samples are kept (older ranges read
    /// rollups).
    pub fn parse(
        draft: RangeDraft,
        now: DateTime<Utc>,
        interval_s: i64,
        raw_retention_s: i64,
    ) -> Result<Self, ValueError> {
        let now_us = now.timestamp_micros();
        let (from_us, to_us) = match (draft.last, draft.from, draft.to) {
            (Some(last), None, None) => {
                let span = parse_duration("range.last", &last)?;
                if span > MAX_RANGE_SECONDS {
                    return Err(ValueError::new(
                        "range.last",
                        "may be at most 30 days (\"30d\")",
                    ));
                }
                (now_us - span * 1_000_000, now_us)
            }
            (None, Some(from), to) => {
                let to = to.unwrap_or(now);
                if from >= to {
                    return Err(ValueError::new("range.from", "must be before range.to"));
                }
                if (to - from).num_seconds() > MAX_RANGE_SECONDS {
                    return Err(ValueError::new(
                        "range",
                        "from and to may be at most 30 days apart",
                    ));
                }
                (from.timestamp_micros(), to.timestamp_micros())
            }
            (None, None, Some(_)) => {
                return Err(ValueError::new("range.from", "is required with range.to"))
            }
            (None, None, None) => {
                return Err(ValueError::new(
                    "range",
                    "give either last (e.g. \"1h\") or from and to",
                ))
            }
            (Some(_), _, _) => {
                return Err(ValueError::new(
                    "range",
                    "give either last or from and to, not both",
                ))
            }
        };
        let span_s = ((to_us - from_us) / 1_000_000).max(1);
        let step_s = match draft.step {
            Some(step) => {
                let step = parse_duration("range.step", &step)?;
                if span_s / step > MAX_POINTS {
                    return Err(ValueError::new(
                        "range.step",
                        format!(
                            "gives {} points; at most {MAX_POINTS} are served, use a longer step",
                            span_s / step
                        ),
                    ));
                }
                step
            }
            None => {
                let wanted = (span_s / TARGET_POINTS).max(interval_s.max(1));
                let mut step = *NICE_STEPS.iter().find(|s| **s >= wanted).unwrap_or(&86_400);
                if from_us < now_us - raw_retention_s * 1_000_000 {
                    step = step.max(60);
                }
                step
            }
        };
        let resolution = if step_s % 3_600 == 0 {
            Resolution::Hour
        } else if step_s % 60 == 0 {
            Resolution::Minute
        } else {
            Resolution::Raw
        };
        let step_us = step_s * 1_000_000;
        // Buckets start on multiples of the step, so a chart's points stay put as it moves.
        Ok(Self {
            from_us: from_us.div_euclid(step_us) * step_us,
            to_us,
            step_us,
            resolution,
        })
    }
}

/// Bounds of injected load.
pub mod load_limits {
    /// Percentage points of CPU or memory added, at most.
    pub const PERCENT: f64 = 100.0;
    /// Work-queue items added to a cluster, at most.
    pub const QUEUE_DEPTH: f64 = 1_000_000.0;
    /// Longest injection, in seconds (a day).
    pub const DURATION_SECONDS: i64 = 86_400;
}

/// Load added to a droplet or a cluster until a moment: percentage points of CPU and memory
/// on top of what the simulator reports (for a cluster, on each of its droplets) and, for a
/// cluster, items in its work queue. A newer injection replaces the one before.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InjectedLoad {
    pub cpu: f64,
    pub memory: f64,
    #[serde(default)]
    pub queue_depth: f64,
    pub duration_seconds: u32,
    pub until: DateTime<Utc>,
}

impl InjectedLoad {
    /// Whether it still applies at `at_us`.
    pub fn active_at(&self, at_us: i64) -> bool {
        at_us < self.until.timestamp_micros()
    }
}

/// Load as typed: `injectLoad`'s numbers. `None` adds nothing of that kind.
#[derive(Debug, Clone, Default)]
pub struct LoadDraft {
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub queue_depth: Option<f64>,
    pub duration_seconds: Option<i64>,
}

impl LoadDraft {
    /// Checks the numbers; the load lasts from `now` for the duration. `queue_depth` is only
    /// for clusters (`for_cluster`).
    pub fn parse(self, now: DateTime<Utc>, for_cluster: bool) -> Result<InjectedLoad, ValueError> {
        let percent = |field: &'static str, v: Option<f64>| -> Result<f64, ValueError> {
            let v = v.unwrap_or(0.0);
            if !v.is_finite() || !(0.0..=load_limits::PERCENT).contains(&v) {
                return Err(ValueError::new(
                    field,
                    "must be between 0 and 100 (percentage points)",
                ));
            }
            Ok(v)
        };
        let cpu = percent("cpu", self.cpu)?;
        let memory = percent("memory", self.memory)?;
        let queue_depth = self.queue_depth.unwrap_or(0.0);
        if !queue_depth.is_finite() || !(0.0..=load_limits::QUEUE_DEPTH).contains(&queue_depth) {
            return Err(ValueError::new(
                "queueDepth",
                "must be between 0 and 1000000",
            ));
        }
        if queue_depth > 0.0 && !for_cluster {
            return Err(ValueError::new(
                "queueDepth",
                "only a cluster has a work queue; inject it on the droplet's cluster",
            ));
        }
        if cpu == 0.0 && memory == 0.0 && queue_depth == 0.0 {
            return Err(ValueError::new(
                "cpu",
                "give some cpu, memory or queueDepth to add",
            ));
        }
        let Some(duration) = self.duration_seconds else {
            return Err(ValueError::new("durationSeconds", "is required"));
        };
        if !(1..=load_limits::DURATION_SECONDS).contains(&duration) {
            return Err(ValueError::new(
                "durationSeconds",
                "must be between 1 and 86400",
            ));
        }
        Ok(InjectedLoad {
            cpu,
            memory,
            queue_depth,
            duration_seconds: duration as u32,
            until: now + chrono::Duration::seconds(duration),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn last(s: &str) -> RangeDraft {
        RangeDraft {
            last: Some(s.into()),
            ..RangeDraft::default()
        }
    }

    const NOW: &str = "2026-12-02T12:00:00Z";

    #[test]
    fn durations_parse_or_name_the_field() {
        assert_eq!(parse_duration("f", "15m").unwrap(), 900);
        assert_eq!(parse_duration("f", "7d").unwrap(), 604_800);
        for bad in [
            "",
            "m",
            "15",
            "1.5h",
            "-1h",
            "1w",
            "0s",
            " h",
            "99999999999d",
        ] {
            let e = parse_duration("range.last", bad).unwrap_err();
            assert_eq!(e.field, "range.last", "{bad}");
        }
    }

    #[test]
    fn a_chart_range_reads_the_rollup_that_fits_it() {
        let parse = |d| TimeRange::parse(d, at(NOW), 10, 48 * 3_600).unwrap();
        let r = parse(last("15m"));
        assert_eq!((r.resolution, r.step_us), (Resolution::Raw, 10_000_000));
        assert_eq!(parse(last("1h")).resolution, Resolution::Raw);
        let day = parse(last("24h"));
        assert_eq!(
            (day.resolution, day.step_us / 1_000_000),
            (Resolution::Minute, 300)
        );
        let week = parse(last("7d"));
        assert_eq!(
            (week.resolution, week.step_us / 1_000_000),
            (Resolution::Hour, 3_600)
        );
        assert!((week.to_us - week.from_us) / week.step_us <= 170);
        // A short range that lies before the raw retention reads minutes.
        let old = parse(RangeDraft {
            from: Some(at("2026-11-20T00:00:00Z")),
            to: Some(at("2026-11-20T00:15:00Z")),
            ..RangeDraft::default()
        });
        assert_eq!(old.resolution, Resolution::Minute);
    }

    #[test]
    fn bad_ranges_name_the_field() {
        let parse = |d| {
            TimeRange::parse(d, at(NOW), 10, 48 * 3_600)
                .unwrap_err()
                .field
        };
        assert_eq!(parse(last("31d")), "range.last");
        assert_eq!(parse(RangeDraft::default()), "range");
        assert_eq!(
            parse(RangeDraft {
                from: Some(at("2026-12-02T11:00:00Z")),
                to: Some(at("2026-12-02T10:00:00Z")),
                ..RangeDraft::default()
            }),
            "range.from"
        );
        assert_eq!(
            parse(RangeDraft {
                from: Some(at("2026-10-01T00:00:00Z")),
                to: Some(at("2026-12-01T00:00:00Z")),
                ..RangeDraft::default()
            }),
            "range"
        );
        let mut too_fine = last("7d");
        too_fine.step = Some("1s".into());
        assert_eq!(parse(too_fine), "range.step");
    }

    #[test]
    fn load_is_checked_and_lasts_its_duration() {
        let load = LoadDraft {
            cpu: Some(60.0),
            duration_seconds: Some(120),
            ..LoadDraft::default()
        }
        .parse(at(NOW), false)
        .unwrap();
        assert_eq!(load.until, at("2026-12-02T12:02:00Z"));
        assert!(load.active_at(at("2026-12-02T12:01:59Z").timestamp_micros()));
        assert!(!load.active_at(at("2026-12-02T12:02:00Z").timestamp_micros()));
        let bad = |d: LoadDraft, cluster| d.parse(at(NOW), cluster).unwrap_err().field;
        let base = LoadDraft {
            cpu: Some(10.0),
            duration_seconds: Some(60),
            ..LoadDraft::default()
        };
        assert_eq!(
            bad(
                LoadDraft {
                    cpu: Some(101.0),
                    ..base.clone()
                },
                false
            ),
            "cpu"
        );
        assert_eq!(
            bad(
                LoadDraft {
                    memory: Some(f64::NAN),
                    ..base.clone()
                },
                false
            ),
            "memory"
        );
        assert_eq!(
            bad(
                LoadDraft {
                    queue_depth: Some(5.0),
                    ..base.clone()
                },
                false
            ),
            "queueDepth"
        );
        assert_eq!(
            bad(
                LoadDraft {
                    duration_seconds: Some(0),
                    ..base.clone()
                },
                true
            ),
            "durationSeconds"
        );
        assert_eq!(bad(LoadDraft { cpu: None, ..base }, true), "cpu");
    }
}
