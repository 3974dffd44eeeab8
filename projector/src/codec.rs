//! Column codecs shared by the read models: JSON text, typed text (statuses, ids), ranged
//! numbers and microsecond times.

use crate::backend::Columns;
use chrono::{DateTime, Utc};

/// A text column holding JSON.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    row: &impl Columns,
    col: &str,
) -> Result<T, sqlx::Error> {
    let text = row.text(col)?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// A nullable text column holding JSON.
pub(crate) fn json_opt<T: serde::de::DeserializeOwned>(
    row: &impl Columns,
    col: &str,
) -> Result<Option<T>, sqlx::Error> {
    row.text_opt(col)?
        .map(|text| serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e))))
        .transpose()
}

fn unexpected(col: &str, text: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: col.to_string(),
        source: format!("unexpected value {}", schema::excerpt(text)).into(),
    }
}

/// A text column that holds a typed value (a status, a type, an id).
pub(crate) fn typed<T>(
    row: &impl Columns,
    col: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    let text = row.text(col)?;
    parse(&text).ok_or_else(|| unexpected(col, &text))
}

/// A nullable text column that holds a typed value.
pub(crate) fn typed_opt<T>(
    row: &impl Columns,
    col: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, sqlx::Error> {
    row.text_opt(col)?
        .map(|t| parse(&t).ok_or_else(|| unexpected(col, &t)))
        .transpose()
}

/// A nullable time column in microseconds since the epoch.
pub(crate) fn time_opt(
    row: &impl Columns,
    col: &str,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    Ok(row.int_opt(col)?.and_then(DateTime::from_timestamp_micros))
}

/// An integer column decoded into a narrower type.
pub(crate) fn number<T: TryFrom<i64>>(row: &impl Columns, col: &str) -> Result<T, sqlx::Error> {
    let n = row.int(col)?;
    T::try_from(n).map_err(|_| sqlx::Error::ColumnDecode {
        index: col.to_string(),
        source: format!("{n} is out of range").into(),
    })
}
