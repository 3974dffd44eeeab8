//! Autoscaling vocabulary: what a scaling policy watches ([`ScalingMetric`]), how it scales
//! ([`ScalingMode`], [`Behavior`]), what held a decision back ([`CappedBy`]) and everything
//! one evaluation looks at ([`Inputs`], [`VerticalInputs`]).
//!
//! The inputs are plain numbers and times, collected once before the evaluator runs, so a
//! decision event can carry them and the decision can be recomputed from them. Nothing here
//! performs I/O; the arithmetic lives in `command::autoscale`.

use crate::values::string_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Tolerance around the target when a policy sets none: ±10 %, as Kubernetes' HPA.
pub const DEFAULT_TOLERANCE: f64 = 0.1;
/// Scale-up stabilization when a policy sets none: none, react at once (HPA's default).
pub const DEFAULT_SCALE_UP_STABILIZATION_SECONDS: u32 = 0;
/// Scale-down stabilization when a policy sets none: five minutes (HPA's default).
pub const DEFAULT_SCALE_DOWN_STABILIZATION_SECONDS: u32 = 300;

string_enum!(
    /// What a policy scales on: average CPU or memory percent over the cluster's droplets,
    /// or the cluster's total job queue (whose target is per droplet).
    ScalingMetric { Cpu => "CPU", Memory => "MEMORY", QueueDepth => "QUEUE_DEPTH" }
);

string_enum!(
    /// How a policy scales: more or fewer droplets, or bigger or smaller ones.
    ScalingMode { Horizontal => "HORIZONTAL", Vertical => "VERTICAL" }
);

string_enum!(
    /// The rule that held a decision away from what the metric alone recommended.
    CappedBy {
        Min => "MIN",
        Max => "MAX",
        Step => "STEP",
        Stabilization => "STABILIZATION",
        Cooldown => "COOLDOWN",
        Cost => "COST",
    }
);

// `string_enum!` writes the derives, so `#[default]` has nowhere to go.
#[allow(clippy::derivable_impls)]
impl Default for ScalingMode {
    fn default() -> Self {
        Self::Horizontal
    }
}

/// How much one direction may change within a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StepAmount {
    /// At most this many droplets.
    Droplets(u32),
    /// At most this percent of the count at the period's start (rounded up when growing,
    /// down when shrinking, as HPA's percent policies).
    Percent(u32),
}

/// A step limit: at most `amount` within any `period_seconds` (HPA's scaling policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub amount: StepAmount,
    pub period_seconds: u32,
}

/// How one direction (scale-up or scale-down) behaves: HPA's `behavior.scaleUp/scaleDown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Behavior {
    /// Recommendations this recent are considered: scale-up follows the lowest of them,
    /// scale-down the highest, so a short spike or dip does not move the cluster.
    pub stabilization_window_seconds: u32,
    /// How far it may move within a period; none is unlimited.
    pub max_step: Option<Step>,
}

impl Behavior {
    /// Scale-up as HPA defaults it: no stabilization, no step limit.
    pub fn scale_up_default() -> Self {
        Self {
            stabilization_window_seconds: DEFAULT_SCALE_UP_STABILIZATION_SECONDS,
            max_step: None,
        }
    }

    /// Scale-down as HPA defaults it: five minutes of stabilization, no step limit.
    pub fn scale_down_default() -> Self {
        Self {
            stabilization_window_seconds: DEFAULT_SCALE_DOWN_STABILIZATION_SECONDS,
            max_step: None,
        }
    }
}

/// A recommendation an earlier evaluation made (its raw desired count, before
/// stabilization), kept for stabilization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub at: DateTime<Utc>,
    pub desired: u32,
}

/// A scaling the policy decided earlier, from one droplet count to another, kept for step
/// limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScalingAction {
    pub at: DateTime<Utc>,
    pub from: u32,
    pub to: u32,
}

/// Everything one horizontal evaluation looks at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// When the evaluation runs; windows, periods and cooldowns are measured from here,
    /// never from the clock.
    pub now: DateTime<Utc>,
    /// Droplets the cluster has now.
    pub current: u32,
    pub metric: ScalingMetric,
    /// The metric averaged over the policy's window: percent averaged over the droplets for
    /// CPU and MEMORY, the cluster's total queue for QUEUE_DEPTH; none without samples.
    pub metric_value: Option<f64>,
    /// Percent for CPU and MEMORY, queue per droplet for QUEUE_DEPTH; positive.
    pub target: f64,
    /// How far from the target, as a share of it, counts as on target.
    pub tolerance: f64,
    pub min: u32,
    pub max: u32,
    pub scale_up: Behavior,
    pub scale_down: Behavior,
    /// Recent raw recommendations, any order (older than both windows are ignored).
    pub recommendations: Vec<Recommendation>,
    /// Recent scalings, any order (older than the step periods are ignored).
    pub actions: Vec<ScalingAction>,
    /// When the cluster last scaled, for the cooldown.
    pub last_scaled_at: Option<DateTime<Utc>>,
    pub cooldown_seconds: u32,
    /// Hourly price of one droplet of the policy's template size, from the catalog.
    pub hourly_price_per_droplet: f64,
    /// The most the cluster's droplets may cost an hour; none is uncapped.
    pub cost_limit_per_hour: Option<f64>,
}

/// A size a vertical policy may choose, with what it costs and how much of the metric's
/// resource it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizeOption {
    pub slug: String,
    pub hourly_price: f64,
    /// How much of what the metric measures the size has (vCPUs for CPU, memory for
    /// MEMORY), to predict the metric at a neighbouring size; 0 when unknown.
    pub capacity: f64,
}

/// A size an earlier vertical evaluation recommended, kept for stabilization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeRecommendation {
    pub at: DateTime<Utc>,
    pub size: String,
}

/// Everything one vertical evaluation looks at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerticalInputs {
    pub now: DateTime<Utc>,
    /// The catalog's sizes, smallest first.
    pub sizes: Vec<SizeOption>,
    /// The size the cluster's droplets have now.
    pub current_size: String,
    pub min_size: String,
    pub max_size: String,
    /// Droplets the cluster has (every one is resized, so each costs the chosen size).
    pub droplets: u32,
    pub metric: ScalingMetric,
    /// As [`Inputs::metric_value`].
    pub metric_value: Option<f64>,
    pub target: f64,
    pub tolerance: f64,
    pub scale_up: Behavior,
    pub scale_down: Behavior,
    pub recommendations: Vec<SizeRecommendation>,
    pub last_scaled_at: Option<DateTime<Utc>>,
    pub cooldown_seconds: u32,
    pub cost_limit_per_hour: Option<f64>,
}

/// What one evaluation of a policy decided, with everything it looked at: the
/// `ScalingDecided` event carries it when the decision acts, `lastEvaluation` shows the
/// latest one either way. A VERTICAL decision keeps the droplet count and changes `sizes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalingDecision {
    /// When the evaluation ran.
    pub at: DateTime<Utc>,
    /// Droplets the cluster had.
    pub current: u32,
    /// Droplets it should have.
    pub desired: u32,
    /// The metric as compared with the target (queue per droplet); none without samples.
    pub metric_value: Option<f64>,
    pub target: f64,
    /// Every rule that shaped the decision, in words.
    pub reason: String,
    /// The rule that held `desired` away from what the metric asked for.
    pub capped_by: Option<CappedBy>,
    /// Recorded without acting: the policy is a dry run, or it was a preview.
    pub dry_run: bool,
    /// VERTICAL: the size the droplets had and the size they should have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sizes: Option<SizeChange>,
    /// The inputs the arithmetic ran on, so the decision can be recomputed.
    pub inputs: DecisionInputs,
}

impl ScalingDecision {
    /// Whether it changes the cluster: the droplet count, or (vertical) their size.
    pub fn acts(&self) -> bool {
        match &self.sizes {
            Some(s) => s.current != s.desired,
            None => self.current != self.desired,
        }
    }

    /// The change it asks for, in words: "4 → 8", "s-1vcpu-1gb → s-1vcpu-2gb".
    pub fn change(&self) -> String {
        match &self.sizes {
            Some(s) => format!("{} → {}", s.current, s.desired),
            None => format!("{} → {}", self.current, self.desired),
        }
    }
}

/// A vertical decision's sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeChange {
    pub current: String,
    pub desired: String,
}

/// What a decision's arithmetic ran on (a horizontal decision's inputs alone, as the first
/// events were written).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DecisionInputs {
    Horizontal(Box<Inputs>),
    Vertical(Box<VerticalInputs>),
}

/// A droplet a vertical SCALE job resizes, chosen when the decision is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedResize {
    pub droplet_id: crate::ids::DropletId,
    pub name: String,
    /// The size it had when the decision was made.
    pub from: String,
}

/// A droplet a SCALE job removes, chosen when the decision is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRemoval {
    pub droplet_id: crate::ids::DropletId,
    pub name: String,
}

/// What a SCALE job does, decided with the decision so a job that is run again after a
/// crash does exactly the same (each step under its own idempotency key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ScalePlan {
    /// Create these droplets in the cluster, from the policy's template.
    Add {
        names: Vec<String>,
        size: crate::catalog::Size,
        image: crate::catalog::Image,
        region: String,
    },
    /// Destroy these droplets (the newest without a pending job).
    Remove { droplets: Vec<PlannedRemoval> },
    /// Resize these droplets to `size`, one at a time (VERTICAL).
    Resize {
        droplets: Vec<PlannedResize>,
        size: crate::catalog::Size,
    },
}

impl ScalePlan {
    /// How many steps (droplets) the plan has.
    pub fn steps(&self) -> usize {
        match self {
            Self::Add { names, .. } => names.len(),
            Self::Remove { droplets } => droplets.len(),
            Self::Resize { droplets, .. } => droplets.len(),
        }
    }
}

/// How a SCALE job ended: what it created and destroyed, and the steps it had to skip.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleOutcome {
    pub created: Vec<String>,
    pub destroyed: Vec<String>,
    /// Droplets it resized (VERTICAL).
    #[serde(default)]
    pub resized: Vec<String>,
    /// "web-3: a job is pending on it".
    pub skipped: Vec<String>,
}

string_enum!(
    /// What came of one evaluation: SCALING (a SCALE job carries the decision out), DRY_RUN
    /// (a dry-run policy recorded what it would have done), NO_CHANGE (the cluster has what
    /// the policy wants), HELD (a change is wanted but waits: a SCALE job is unfinished, the
    /// policy is paused) or PREVIEW (asked for a preview: nothing recorded).
    EvaluationOutcome {
        Scaling => "SCALING",
        DryRun => "DRY_RUN",
        NoChange => "NO_CHANGE",
        Held => "HELD",
        Preview => "PREVIEW",
    }
);

/// One evaluation of a policy as `lastEvaluation` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub decision: ScalingDecision,
    pub outcome: EvaluationOutcome,
    /// The SCALE job it queued.
    pub job_id: Option<crate::ids::JobId>,
    /// Why a wanted change waits, in words.
    pub note: Option<String>,
}
