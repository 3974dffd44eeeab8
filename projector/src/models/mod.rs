//! The read models: one module each (row, table, fold, the queries it serves), all behind
//! [`ReadModel`], and the one list of them ([`each`]) that projection, rebuild, dump and the
//! counts iterate. A second read model over the same events is one more module and one more
//! line in [`each`].

pub mod audit;
pub mod clusters;
pub mod diagnoses;
pub mod droplets;
pub mod health_checks;
pub mod jobs;
pub mod lifecycle;
pub mod rate_limit_rules;
pub mod scaling_policies;
pub mod users;

use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::rows::ChangedRow;
use command::StoredEvent;
use schema::AggregateType;

/// A table the read side fills: its name, its columns and how a row is decoded.
pub trait Table: 'static {
    /// The decoded row.
    type Row: Clone + serde::Serialize + Send + Sync + 'static;
    /// The table's name.
    const NAME: &'static str;
    /// Its columns, comma-separated; the first is the primary key.
    const COLUMNS: &'static str;
    /// Decodes one row of [`Self::COLUMNS`].
    fn decode(row: &impl Columns) -> Result<Self::Row, sqlx::Error>;
    /// The column that orders a listing (creation order).
    const ORDER: &'static str = "ordinal";
}

/// A table that the API lists with a filter, paged by ordinal.
pub trait Listed: Table {
    /// What a caller may filter by.
    type Filter;
    /// Adds the filter's clauses to `w`; returns the key of the count that
    /// `read_model_counts` keeps for this filter (see [`crate::counts::key`]), if it keeps one.
    fn filter(f: &Self::Filter, w: &mut Where) -> Option<String>;
}

/// What the projector needs to know of a read-model row besides its columns.
pub trait Versioned {
    /// The row's primary key (the aggregate id).
    fn id(&self) -> &str;
    /// The sequence of the last event applied to the row.
    fn version(&self) -> i64;
    /// The row's status, as stored.
    fn status(&self) -> &'static str;
    /// Every status a row can have (for the kept per-status counts).
    fn statuses() -> Vec<&'static str>;
}

/// A read model: rows of one table, one per aggregate of [`Self::AGGREGATE`], folded from its
/// events.
pub trait ReadModel: Table<Row: Versioned> {
    /// The event type of the aggregate it folds.
    type Event: serde::de::DeserializeOwned;
    /// The aggregate type whose events it folds.
    const AGGREGATE: AggregateType;

    /// Binds the row's values in [`Table::COLUMNS`] order.
    fn bind<'q, Q: Bind<'q>>(q: Q, row: &'q Self::Row) -> Result<Q, serde_json::Error>;
    /// Applies an event to the row (`None` before its creation; the result is `None` only when
    /// there is no row and the event does not create one). `ordinal` is the event's place in
    /// the audit log, which orders rows by creation.
    fn fold(
        row: Option<Self::Row>,
        ordinal: i64,
        e: &StoredEvent,
        event: &Self::Event,
    ) -> Option<Self::Row>;
    /// The row as live subscribers get it; `None` for a read model they do not follow.
    fn changed(row: &Self::Row) -> Option<ChangedRow>;
}

/// Something done once per read model: [`each`] calls it with every one.
pub trait ForEach {
    /// Called with one read model.
    fn read_model<M: ReadModel>(&mut self);
}

/// Every read model, in the order a batch applies them and a dump lists them.
pub fn each<V: ForEach>(mut visitor: V) -> V {
    visitor.read_model::<clusters::Clusters>();
    visitor.read_model::<droplets::Droplets>();
    visitor.read_model::<jobs::Jobs>();
    visitor.read_model::<health_checks::HealthChecks>();
    visitor.read_model::<users::Users>();
    visitor.read_model::<users::ApiTokens>();
    visitor.read_model::<rate_limit_rules::RateLimitRules>();
    visitor.read_model::<diagnoses::Diagnoses>();
    visitor.read_model::<scaling_policies::ScalingPolicies>();
    visitor
}

/// The names of every read model's table, in [`each`] order.
pub fn tables() -> Vec<&'static str> {
    struct Names(Vec<&'static str>);
    impl ForEach for Names {
        fn read_model<M: ReadModel>(&mut self) {
            self.0.push(M::NAME);
        }
    }
    each(Names(vec![])).0
}

/// The tables of the read models of `kind`'s events.
pub fn tables_of(kind: AggregateType) -> Vec<&'static str> {
    struct Of(AggregateType, Vec<&'static str>);
    impl ForEach for Of {
        fn read_model<M: ReadModel>(&mut self) {
            if M::AGGREGATE == self.0 {
                self.1.push(M::NAME);
            }
        }
    }
    each(Of(kind, vec![])).1
}

/// The table of the main read model of an aggregate type (the one the API shows). The match
/// is exhaustive, so a new [`AggregateType`] does not compile until it has one.
pub fn table_of(kind: AggregateType) -> &'static str {
    match kind {
        AggregateType::Cluster => <clusters::Clusters as Table>::NAME,
        AggregateType::Droplet => <droplets::Droplets as Table>::NAME,
        AggregateType::Job => jobs::Jobs::NAME,
        AggregateType::HealthCheck => <health_checks::HealthChecks as Table>::NAME,
        AggregateType::User => <users::Users as Table>::NAME,
        AggregateType::ApiToken => <users::ApiTokens as Table>::NAME,
        AggregateType::RateLimitRule => <rate_limit_rules::RateLimitRules as Table>::NAME,
        AggregateType::Diagnosis => <diagnoses::Diagnoses as Table>::NAME,
        AggregateType::ScalingPolicy => <scaling_policies::ScalingPolicies as Table>::NAME,
    }
}

/// Every status a row of read-model table `table` can have; `None` when no read model has
/// that table.
pub fn statuses_of(table: &str) -> Option<Vec<&'static str>> {
    struct Of<'t>(&'t str, Option<Vec<&'static str>>);
    impl ForEach for Of<'_> {
        fn read_model<M: ReadModel>(&mut self) {
            if M::NAME == self.0 {
                self.1 = Some(<M::Row as Versioned>::statuses());
            }
        }
    }
    each(Of(table, None)).1
}
