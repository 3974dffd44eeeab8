//! The autoscaler's working state (`scaling_evaluations`): per policy, which evaluator
//! evaluates it next and when (a claim, so one evaluation per interval across processes),
//! the latest evaluation and the recent raw recommendations stabilization looks back over.
//! Not events: an evaluation that changes nothing is an observation; a decision that acts
//! is a `ScalingDecided` event of the policy.

use crate::schedule::Schedule;
use crate::{on_pool, Db};

/// What is kept of a policy's evaluations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredEvaluations {
    /// The latest evaluation, as JSON.
    pub latest: Option<String>,
    /// The recent recommendations, as a JSON list.
    pub recommendations: String,
}

/// The evaluations store, over the database of the event store.
#[derive(Clone, Debug)]
pub struct ScalingEvaluations {
    db: Db,
}

impl ScalingEvaluations {
    /// The store over `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Takes the evaluation of `policy_id` due at or before `now_us` for `runner` and
    /// schedules the next at `next_us`; false when another evaluator took it or it is not
    /// due.
    pub async fn claim(
        &self,
        policy_id: &str,
        now_us: i64,
        next_us: i64,
        runner: &str,
    ) -> Result<bool, sqlx::Error> {
        const SCHEDULE: Schedule = Schedule {
            table: "scaling_evaluations",
            key: "policy_id",
            next: "next_us",
        };
        SCHEDULE
            .claim(&self.db, policy_id, now_us, next_us, runner)
            .await
    }

    /// Keeps `latest` and `recommendations` for `policy_id`.
    pub async fn save(
        &self,
        policy_id: &str,
        latest: &str,
        recommendations: &str,
    ) -> Result<(), sqlx::Error> {
        let sql = self.db.sql(
            "INSERT INTO scaling_evaluations (policy_id, next_us, runner, evaluation, recommendations) \
             VALUES ($1, 0, '', $2, $3) \
             ON CONFLICT (policy_id) DO UPDATE SET evaluation = excluded.evaluation, \
             recommendations = excluded.recommendations",
        );
        on_pool!(self.db.writes(), p => {
            sqlx::query(&sql)
                .bind(policy_id)
                .bind(latest)
                .bind(recommendations)
                .execute(p)
                .await
                .map(|_| ())
        })
    }

    /// What is kept for `policy_id` (nothing before its first evaluation).
    pub async fn load(&self, policy_id: &str) -> Result<StoredEvaluations, sqlx::Error> {
        let sql = self.db.sql(
            "SELECT evaluation, recommendations FROM scaling_evaluations WHERE policy_id = $1",
        );
        // The writing pool: an evaluation reads what the previous one saved a moment ago.
        let row = on_pool!(self.db.writes(), p => {
            sqlx::query_as::<_, (Option<String>, String)>(&sql)
                .bind(policy_id)
                .fetch_optional(p)
                .await
        })?;
        Ok(row
            .map(|(latest, recommendations)| StoredEvaluations {
                latest,
                recommendations,
            })
            .unwrap_or_else(|| StoredEvaluations {
                latest: None,
                recommendations: "[]".into(),
            }))
    }

    /// Makes `policy_id` due at once (an operator changed it).
    pub async fn due_now(&self, policy_id: &str) -> Result<(), sqlx::Error> {
        let sql = self
            .db
            .sql("UPDATE scaling_evaluations SET next_us = 0 WHERE policy_id = $1");
        on_pool!(self.db.writes(), p => {
            sqlx::query(&sql).bind(policy_id).execute(p).await.map(|_| ())
        })
    }
}
