//! The one error type command handling returns. The API maps it to `extensions.code` in
//! one place (`query::errors`), together with every other error it can answer with.

use crate::aggregates::DomainError;
use crate::store::StoreError;
use schema::ValueError;

/// Why a command was not carried out. Nothing was appended when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// An input was invalid.
    #[error("{0}")]
    BadInput(String),
    /// The addressed object does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A taken unique value or a stale expected version.
    #[error("{0}")]
    Conflict(String),
    /// Lost an optimistic-concurrency race on append; safe to retry from a reload.
    #[error("{0}")]
    Race(String),
    /// Not allowed in the current state.
    #[error("{0}")]
    FailedPrecondition(String),
    /// The database is unreachable.
    #[error("{0}")]
    Unavailable(String),
    /// Anything else.
    #[error("{0}")]
    Internal(String),
}

impl CommandError {
    /// A short label for metrics.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::BadInput(_) => "bad_input",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) | Self::Race(_) => "conflict",
            Self::FailedPrecondition(_) => "failed_precondition",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

impl From<ValueError> for CommandError {
    fn from(e: ValueError) -> Self {
        Self::BadInput(e.to_string())
    }
}

impl From<DomainError> for CommandError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotFound(m) => Self::NotFound(m),
            DomainError::AlreadyExists(m) => Self::Conflict(m),
            DomainError::FailedPrecondition(m) => Self::FailedPrecondition(m),
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } => Self::Race(format!("{e}; reload and try again")),
            StoreError::ClaimTaken { .. } => Self::Conflict(e.to_string()),
            StoreError::DuplicateKey | StoreError::KeyReused => Self::Conflict(e.to_string()),
            ref db if db.is_unavailable() => {
                Self::Unavailable(format!("event store unavailable: {e}"))
            }
            other => {
                tracing::error!(error = %other, "event store failure");
                Self::Internal("internal error in the event store".into())
            }
        }
    }
}
