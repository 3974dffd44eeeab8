//! What a scaling policy is: its specification as events record it, and how one is parsed
//! from what an operator typed (every field checked, errors naming the field).
//!
//! A policy watches one metric of one cluster and keeps it near a target by adding or
//! removing droplets (HORIZONTAL, from its template) or by resizing them one catalog size at
//! a time (VERTICAL, within `minSize..maxSize`), never past its cost limit.

use crate::autoscale::{Behavior, ScalingMetric, ScalingMode, Step, StepAmount, DEFAULT_TOLERANCE};
use crate::catalog::{Image, Size, SIZES};
use crate::values::{has_hidden, string_enum, ValueError};
use serde::{Deserialize, Serialize};

/// Bounds of a policy's numbers.
pub mod limits {
    use std::ops::RangeInclusive;
    /// Longest name, in characters.
    pub const NAME_CHARS: usize = 100;
    /// Droplets a horizontal policy may keep.
    pub const DROPLETS: RangeInclusive<i64> = 1..=100;
    /// Seconds the metric is averaged over.
    pub const WINDOW_SECONDS: RangeInclusive<i64> = 1..=86_400;
    /// Stabilization windows, step periods and cooldowns, in seconds.
    pub const SECONDS: RangeInclusive<i64> = 0..=86_400;
    /// Step periods, in seconds (a period of 0 would limit nothing).
    pub const PERIOD_SECONDS: RangeInclusive<i64> = 1..=86_400;
    /// A step of droplets.
    pub const STEP_DROPLETS: RangeInclusive<i64> = 1..=100;
    /// A step in percent.
    pub const STEP_PERCENT: RangeInclusive<i64> = 1..=1000;
    /// The tolerance, as a share of the target.
    pub const TOLERANCE: RangeInclusive<f64> = 0.0..=0.9;
}

/// Hours in a month as the catalog prices them (DigitalOcean bills 672 hours, 4 weeks, a
/// month at most): a size's hourly price is its monthly price over this.
pub const HOURS_PER_MONTH: f64 = 672.0;

/// The default window the metric is averaged over: one minute.
pub const DEFAULT_WINDOW_SECONDS: u32 = 60;
/// The default cooldown after a scaling: one minute.
pub const DEFAULT_COOLDOWN_SECONDS: u32 = 60;

string_enum!(
    /// Lifecycle of a scaling policy: ACTIVE policies are evaluated, PAUSED ones keep their
    /// settings (and their claim on the cluster's metric) without acting.
    ScalingPolicyStatus { Active => "ACTIVE", Paused => "PAUSED", Deleted => "DELETED" }
);

/// The hourly price of a catalog size, in US dollars.
pub fn hourly_price(size: &Size) -> f64 {
    size.info().price_monthly / HOURS_PER_MONTH
}

/// What new droplets of a horizontal policy are created with (the region is the cluster's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub size: Size,
    pub image: Image,
}

/// A scaling policy as its events record it. Every value has been checked by
/// [`ScalingPolicySpec::parse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalingPolicySpec {
    /// Shown to operators; free text.
    pub name: String,
    pub mode: ScalingMode,
    pub metric: ScalingMetric,
    /// Percent for CPU and MEMORY, queue depth per droplet for QUEUE_DEPTH.
    pub target: f64,
    /// How far from the target, as a share of it, counts as on target.
    pub tolerance: f64,
    /// Seconds the metric is averaged over.
    pub window_seconds: u32,
    /// Horizontal bounds (a vertical policy keeps them at 1).
    pub min_droplets: u32,
    pub max_droplets: u32,
    pub scale_up: Behavior,
    pub scale_down: Behavior,
    /// Seconds after a scaling before the next.
    pub cooldown_seconds: u32,
    /// The most the cluster's droplets may cost an hour, in US dollars; none is uncapped.
    pub cost_limit_per_hour: Option<f64>,
    /// What a horizontal policy creates droplets with.
    pub template: Option<Template>,
    /// The sizes a vertical policy may choose between.
    pub min_size: Option<Size>,
    pub max_size: Option<Size>,
    /// Decide and record, but never start a SCALE job.
    pub dry_run: bool,
}

impl ScalingPolicySpec {
    /// The claim that keeps one live policy per cluster and metric.
    pub fn unique_key(&self, cluster_id: &str) -> String {
        unique_key(cluster_id, self.metric)
    }
}

/// The claim value of the live policy of `cluster_id` on `metric`.
pub fn unique_key(cluster_id: &str, metric: ScalingMetric) -> String {
    format!("{cluster_id}:{metric}")
}

/// One direction's behaviour as typed (`scaleUp` / `scaleDown`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BehaviorDraft {
    pub stabilization_window_seconds: Option<i64>,
    /// At most this many droplets per period…
    pub max_step_droplets: Option<i64>,
    /// …or at most this percent of the count at the period's start.
    pub max_step_percent: Option<i64>,
    /// The period of the step limit (default 60 s).
    pub period_seconds: Option<i64>,
}

/// A policy as typed: the fields of `createScalingPolicy`'s input. `None` takes the default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScalingPolicyDraft {
    pub name: Option<String>,
    pub mode: Option<ScalingMode>,
    pub metric: Option<ScalingMetric>,
    pub target: Option<f64>,
    pub tolerance: Option<f64>,
    pub window_seconds: Option<i64>,
    pub min_droplets: Option<i64>,
    pub max_droplets: Option<i64>,
    pub scale_up: Option<BehaviorDraft>,
    pub scale_down: Option<BehaviorDraft>,
    pub cooldown_seconds: Option<i64>,
    /// `Some(None)` removes the limit (an update); `None` keeps it (or none, on create).
    pub cost_limit_per_hour: Option<Option<f64>>,
    pub template_size: Option<String>,
    pub template_image: Option<String>,
    pub min_size: Option<String>,
    pub max_size: Option<String>,
    pub dry_run: Option<bool>,
}

fn behavior_draft(b: &Behavior) -> BehaviorDraft {
    let (droplets, percent, period) = match b.max_step {
        None => (None, None, None),
        Some(Step {
            amount: StepAmount::Droplets(n),
            period_seconds,
        }) => (Some(n.into()), None, Some(period_seconds.into())),
        Some(Step {
            amount: StepAmount::Percent(p),
            period_seconds,
        }) => (None, Some(p.into()), Some(period_seconds.into())),
    };
    BehaviorDraft {
        stabilization_window_seconds: Some(b.stabilization_window_seconds.into()),
        max_step_droplets: droplets,
        max_step_percent: percent,
        period_seconds: period,
    }
}

impl ScalingPolicyDraft {
    /// `self` over `current`: what an update makes of a policy; fields not given keep their
    /// values (a behaviour given replaces the whole direction).
    pub fn over(self, current: &ScalingPolicySpec) -> ScalingPolicyDraft {
        let template = current.template.as_ref();
        ScalingPolicyDraft {
            name: self.name.or_else(|| Some(current.name.clone())),
            mode: self.mode.or(Some(current.mode)),
            metric: self.metric.or(Some(current.metric)),
            target: self.target.or(Some(current.target)),
            tolerance: self.tolerance.or(Some(current.tolerance)),
            window_seconds: self.window_seconds.or(Some(current.window_seconds.into())),
            min_droplets: self.min_droplets.or(Some(current.min_droplets.into())),
            max_droplets: self.max_droplets.or(Some(current.max_droplets.into())),
            scale_up: self
                .scale_up
                .or_else(|| Some(behavior_draft(&current.scale_up))),
            scale_down: self
                .scale_down
                .or_else(|| Some(behavior_draft(&current.scale_down))),
            cooldown_seconds: self
                .cooldown_seconds
                .or(Some(current.cooldown_seconds.into())),
            cost_limit_per_hour: self
                .cost_limit_per_hour
                .or(Some(current.cost_limit_per_hour)),
            template_size: self
                .template_size
                .or_else(|| template.map(|t| t.size.to_string())),
            template_image: self
                .template_image
                .or_else(|| template.map(|t| t.image.to_string())),
            min_size: self
                .min_size
                .or_else(|| current.min_size.as_ref().map(ToString::to_string)),
            max_size: self
                .max_size
                .or_else(|| current.max_size.as_ref().map(ToString::to_string)),
            dry_run: self.dry_run.or(Some(current.dry_run)),
        }
    }
}

/// `value` if it is within `range`, else an error naming `field` and the range.
fn within(
    field: &'static str,
    value: i64,
    range: &std::ops::RangeInclusive<i64>,
    unit: &str,
) -> Result<u32, ValueError> {
    if range.contains(&value) {
        Ok(value as u32)
    } else {
        Err(ValueError::new(
            field,
            format!(
                "must be {}–{}{unit}, got {value}",
                range.start(),
                range.end()
            ),
        ))
    }
}

fn behavior(
    field: &'static str,
    draft: Option<BehaviorDraft>,
    default: Behavior,
) -> Result<Behavior, ValueError> {
    let Some(d) = draft else {
        return Ok(default);
    };
    let stabilization = match d.stabilization_window_seconds {
        None => default.stabilization_window_seconds,
        Some(s) => within(field, s, &limits::SECONDS, " seconds of stabilization")?,
    };
    let amount = match (d.max_step_droplets, d.max_step_percent) {
        (Some(_), Some(_)) => {
            return Err(ValueError::new(
                field,
                "give a step in droplets or in percent, not both",
            ))
        }
        (Some(n), None) => Some(StepAmount::Droplets(within(
            field,
            n,
            &limits::STEP_DROPLETS,
            " droplets per step",
        )?)),
        (None, Some(p)) => Some(StepAmount::Percent(within(
            field,
            p,
            &limits::STEP_PERCENT,
            " percent per step",
        )?)),
        (None, None) => None,
    };
    let max_step = match (amount, d.period_seconds) {
        (None, Some(_)) => {
            return Err(ValueError::new(
                field,
                "a step period needs a step (maxStepDroplets or maxStepPercent)",
            ))
        }
        (None, None) => None,
        (Some(amount), period) => Some(Step {
            amount,
            period_seconds: within(
                field,
                period.unwrap_or(60),
                &limits::PERIOD_SECONDS,
                " seconds per step period",
            )?,
        }),
    };
    Ok(Behavior {
        stabilization_window_seconds: stabilization,
        max_step,
    })
}

fn size(field: &'static str, raw: Option<&str>) -> Result<Option<Size>, ValueError> {
    raw.map(|s| Size::parse(s).map_err(|e| ValueError::new(field, e.reason)))
        .transpose()
}

/// The catalog position of a size (sizes are listed smallest first).
pub fn size_rank(size: &Size) -> usize {
    SIZES
        .iter()
        .position(|s| s.slug == size.as_str())
        .unwrap_or(0)
}

impl ScalingPolicySpec {
    /// Checks every field of `draft`, in input order; the first bad one is refused with an
    /// error naming it.
    pub fn parse(draft: ScalingPolicyDraft) -> Result<Self, ValueError> {
        let name = draft.name.unwrap_or_default();
        let name = name.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > limits::NAME_CHARS {
            return Err(ValueError::new(
                "name",
                format!("must be 1–{} characters, got {chars}", limits::NAME_CHARS),
            ));
        }
        if has_hidden(name) {
            return Err(ValueError::new(
                "name",
                "must not contain control or invisible formatting characters",
            ));
        }
        let mode = draft.mode.unwrap_or_default();
        let metric = draft
            .metric
            .ok_or_else(|| ValueError::new("metric", "is required: CPU, MEMORY or QUEUE_DEPTH"))?;
        let target = draft
            .target
            .ok_or_else(|| ValueError::new("target", "is required"))?;
        let percent = matches!(metric, ScalingMetric::Cpu | ScalingMetric::Memory);
        if !target.is_finite() || target <= 0.0 || (percent && target > 100.0) {
            let range = if percent {
                "a percent above 0 and at most 100"
            } else {
                "a queue depth per droplet above 0"
            };
            return Err(ValueError::new(
                "target",
                format!("must be {range}, got {target}"),
            ));
        }
        let tolerance = draft.tolerance.unwrap_or(DEFAULT_TOLERANCE);
        if !tolerance.is_finite() || !limits::TOLERANCE.contains(&tolerance) {
            return Err(ValueError::new(
                "tolerance",
                format!(
                    "must be a share of the target from {} to {}, got {tolerance}",
                    limits::TOLERANCE.start(),
                    limits::TOLERANCE.end()
                ),
            ));
        }
        let window_seconds = within(
            "windowSeconds",
            draft
                .window_seconds
                .unwrap_or(DEFAULT_WINDOW_SECONDS.into()),
            &limits::WINDOW_SECONDS,
            " seconds",
        )?;
        let horizontal = mode == ScalingMode::Horizontal;
        // A vertical policy resizes whatever droplets the cluster has: its bounds are wide.
        let (min, max) = match (horizontal, draft.min_droplets, draft.max_droplets) {
            (true, None, _) => return Err(ValueError::new("minDroplets", "is required")),
            (true, _, None) => return Err(ValueError::new("maxDroplets", "is required")),
            (_, min, max) => (
                min.unwrap_or(*limits::DROPLETS.start()),
                max.unwrap_or(*limits::DROPLETS.end()),
            ),
        };
        let min_droplets = within("minDroplets", min, &limits::DROPLETS, "")?;
        let max_droplets = within("maxDroplets", max, &limits::DROPLETS, "")?;
        if min_droplets > max_droplets {
            return Err(ValueError::new(
                "maxDroplets",
                format!("must be at least minDroplets ({min_droplets}), got {max_droplets}"),
            ));
        }
        let scale_up = behavior("scaleUp", draft.scale_up, Behavior::scale_up_default())?;
        let scale_down = behavior(
            "scaleDown",
            draft.scale_down,
            Behavior::scale_down_default(),
        )?;
        let cooldown_seconds = within(
            "cooldownSeconds",
            draft
                .cooldown_seconds
                .unwrap_or(DEFAULT_COOLDOWN_SECONDS.into()),
            &limits::SECONDS,
            " seconds",
        )?;
        let cost_limit_per_hour = draft.cost_limit_per_hour.flatten();
        if let Some(limit) = cost_limit_per_hour {
            if !limit.is_finite() || limit <= 0.0 {
                return Err(ValueError::new(
                    "costLimitPerHour",
                    format!("must be US dollars an hour above 0, got {limit}"),
                ));
            }
        }
        let (template, min_size, max_size) = if horizontal {
            let size = size("template.size", draft.template_size.as_deref())?
                .ok_or_else(|| ValueError::new("template.size", "is required for HORIZONTAL"))?;
            let image = draft
                .template_image
                .as_deref()
                .ok_or_else(|| ValueError::new("template.image", "is required for HORIZONTAL"))?;
            let image =
                Image::parse(image).map_err(|e| ValueError::new("template.image", e.reason))?;
            if let Some(limit) = cost_limit_per_hour {
                let at_min = f64::from(min_droplets) * hourly_price(&size);
                if at_min > limit + 1e-9 {
                    return Err(ValueError::new(
                        "costLimitPerHour",
                        format!(
                            "${limit:.4}/h does not pay for minDroplets: {min_droplets} × {size} cost ${at_min:.4}/h"
                        ),
                    ));
                }
            }
            (Some(Template { size, image }), None, None)
        } else {
            let min = size("minSize", draft.min_size.as_deref())?
                .ok_or_else(|| ValueError::new("minSize", "is required for VERTICAL"))?;
            let max = size("maxSize", draft.max_size.as_deref())?
                .ok_or_else(|| ValueError::new("maxSize", "is required for VERTICAL"))?;
            if size_rank(&min) > size_rank(&max) {
                return Err(ValueError::new(
                    "maxSize",
                    format!("{max} is smaller than minSize {min}"),
                ));
            }
            if let Some(limit) = cost_limit_per_hour {
                let at_min = hourly_price(&min);
                if at_min > limit + 1e-9 {
                    return Err(ValueError::new(
                        "costLimitPerHour",
                        format!(
                            "${limit:.4}/h does not pay for one droplet of minSize {min} (${at_min:.4}/h)"
                        ),
                    ));
                }
            }
            (None, Some(min), Some(max))
        };
        Ok(Self {
            name: name.to_string(),
            mode,
            metric,
            target,
            tolerance,
            window_seconds,
            min_droplets,
            max_droplets,
            scale_up,
            scale_down,
            cooldown_seconds,
            cost_limit_per_hour,
            template,
            min_size,
            max_size,
            dry_run: draft.dry_run.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue() -> ScalingPolicyDraft {
        ScalingPolicyDraft {
            name: Some("workers".into()),
            metric: Some(ScalingMetric::QueueDepth),
            target: Some(50.0),
            min_droplets: Some(2),
            max_droplets: Some(8),
            template_size: Some("s-1vcpu-1gb".into()),
            template_image: Some("ubuntu-24-04-x64".into()),
            ..ScalingPolicyDraft::default()
        }
    }

    fn refused(draft: ScalingPolicyDraft) -> ValueError {
        ScalingPolicySpec::parse(draft).unwrap_err()
    }

    #[test]
    fn defaults_follow_hpa() {
        let spec = ScalingPolicySpec::parse(queue()).unwrap();
        assert_eq!(spec.mode, ScalingMode::Horizontal);
        assert_eq!(spec.tolerance, 0.1);
        assert_eq!(spec.scale_up, Behavior::scale_up_default());
        assert_eq!(spec.scale_down.stabilization_window_seconds, 300);
        assert_eq!(spec.window_seconds, 60);
        assert!(!spec.dry_run);
        assert_eq!(spec.unique_key("c"), "c:QUEUE_DEPTH");
    }

    #[test]
    fn every_bad_field_is_named() {
        let cases: Vec<(&str, ScalingPolicyDraft)> = vec![
            (
                "name",
                ScalingPolicyDraft {
                    name: Some(" ".into()),
                    ..queue()
                },
            ),
            (
                "metric",
                ScalingPolicyDraft {
                    metric: None,
                    ..queue()
                },
            ),
            (
                "target",
                ScalingPolicyDraft {
                    target: Some(0.0),
                    ..queue()
                },
            ),
            (
                "target",
                ScalingPolicyDraft {
                    target: Some(f64::NAN),
                    ..queue()
                },
            ),
            (
                "target",
                ScalingPolicyDraft {
                    metric: Some(ScalingMetric::Cpu),
                    target: Some(150.0),
                    ..queue()
                },
            ),
            (
                "tolerance",
                ScalingPolicyDraft {
                    tolerance: Some(-0.1),
                    ..queue()
                },
            ),
            (
                "windowSeconds",
                ScalingPolicyDraft {
                    window_seconds: Some(-5),
                    ..queue()
                },
            ),
            (
                "minDroplets",
                ScalingPolicyDraft {
                    min_droplets: Some(0),
                    ..queue()
                },
            ),
            (
                "maxDroplets",
                ScalingPolicyDraft {
                    min_droplets: Some(5),
                    max_droplets: Some(3),
                    ..queue()
                },
            ),
            (
                "cooldownSeconds",
                ScalingPolicyDraft {
                    cooldown_seconds: Some(-1),
                    ..queue()
                },
            ),
            (
                "scaleDown",
                ScalingPolicyDraft {
                    scale_down: Some(BehaviorDraft {
                        stabilization_window_seconds: Some(-30),
                        ..Default::default()
                    }),
                    ..queue()
                },
            ),
            (
                "scaleUp",
                ScalingPolicyDraft {
                    scale_up: Some(BehaviorDraft {
                        max_step_droplets: Some(2),
                        max_step_percent: Some(50),
                        ..Default::default()
                    }),
                    ..queue()
                },
            ),
            (
                "scaleUp",
                ScalingPolicyDraft {
                    scale_up: Some(BehaviorDraft {
                        period_seconds: Some(60),
                        ..Default::default()
                    }),
                    ..queue()
                },
            ),
            (
                "costLimitPerHour",
                ScalingPolicyDraft {
                    cost_limit_per_hour: Some(Some(-1.0)),
                    ..queue()
                },
            ),
            (
                "template.size",
                ScalingPolicyDraft {
                    template_size: Some("s-64vcpu".into()),
                    ..queue()
                },
            ),
            (
                "template.size",
                ScalingPolicyDraft {
                    template_size: None,
                    ..queue()
                },
            ),
            (
                "template.image",
                ScalingPolicyDraft {
                    template_image: Some("windows".into()),
                    ..queue()
                },
            ),
            (
                "minSize",
                ScalingPolicyDraft {
                    mode: Some(ScalingMode::Vertical),
                    ..queue()
                },
            ),
            (
                "maxSize",
                ScalingPolicyDraft {
                    mode: Some(ScalingMode::Vertical),
                    min_size: Some("s-2vcpu-4gb".into()),
                    max_size: Some("s-1vcpu-1gb".into()),
                    ..queue()
                },
            ),
        ];
        for (field, draft) in cases {
            let err = refused(draft.clone());
            assert_eq!(err.field, field, "{draft:?}: {}", err.reason);
        }
    }

    #[test]
    fn the_cost_limit_must_pay_for_the_minimum() {
        // 2 × s-1vcpu-1gb at $6/month = $0.0179/h.
        let err = refused(ScalingPolicyDraft {
            cost_limit_per_hour: Some(Some(0.017)),
            ..queue()
        });
        assert_eq!(err.field, "costLimitPerHour");
        assert!(err.reason.contains("2 × s-1vcpu-1gb"), "{}", err.reason);
        let ok = ScalingPolicyDraft {
            cost_limit_per_hour: Some(Some(0.018)),
            ..queue()
        };
        assert!(ScalingPolicySpec::parse(ok).is_ok());
        assert!((hourly_price(&Size::parse("s-1vcpu-1gb").unwrap()) - 6.0 / 672.0).abs() < 1e-12);
    }

    #[test]
    fn an_update_keeps_what_it_does_not_give() {
        let spec = ScalingPolicySpec::parse(ScalingPolicyDraft {
            scale_down: Some(BehaviorDraft {
                max_step_percent: Some(50),
                period_seconds: Some(120),
                ..Default::default()
            }),
            cost_limit_per_hour: Some(Some(1.0)),
            ..queue()
        })
        .unwrap();
        let same = ScalingPolicySpec::parse(ScalingPolicyDraft::default().over(&spec)).unwrap();
        assert_eq!(same, spec);
        let patch = ScalingPolicyDraft {
            max_droplets: Some(10),
            cost_limit_per_hour: Some(None),
            ..Default::default()
        };
        let changed = ScalingPolicySpec::parse(patch.over(&spec)).unwrap();
        assert_eq!(changed.max_droplets, 10);
        assert_eq!(changed.cost_limit_per_hour, None);
        assert_eq!(changed.scale_down, spec.scale_down);
        let shrink = ScalingPolicyDraft {
            max_droplets: Some(1),
            ..Default::default()
        };
        assert_eq!(
            ScalingPolicySpec::parse(shrink.over(&spec))
                .unwrap_err()
                .field,
            "maxDroplets"
        );
    }

    #[test]
    fn vertical_policies_choose_between_sizes() {
        let spec = ScalingPolicySpec::parse(ScalingPolicyDraft {
            mode: Some(ScalingMode::Vertical),
            metric: Some(ScalingMetric::Cpu),
            target: Some(70.0),
            min_droplets: None,
            max_droplets: None,
            template_size: None,
            template_image: None,
            min_size: Some("s-1vcpu-1gb".into()),
            max_size: Some("s-2vcpu-4gb".into()),
            ..queue()
        })
        .unwrap();
        assert_eq!(spec.template, None);
        assert_eq!(spec.min_size.unwrap().as_str(), "s-1vcpu-1gb");
    }
}
