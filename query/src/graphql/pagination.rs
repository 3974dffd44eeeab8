//! Relay cursor pagination over ordinal-ordered lists, with a page-size cap.

use crate::errors;
use crate::state::AppState;
use async_graphql::connection::{Edge, EmptyFields};
use async_graphql::{Context, Result, SimpleObject};
use base64::Engine;
use projector::{Page, Slice};

/// Extra fields on every connection.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct ListInfo {
    /// Items matching the filter, on all pages.
    pub total_count: i64,
}

/// A Relay connection of `T`.
pub type Connection<T> = async_graphql::connection::Connection<String, T, ListInfo, EmptyFields>;

const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// An opaque cursor for a list position.
pub fn encode(ordinal: i64) -> String {
    ENGINE.encode(format!("cg:{ordinal}"))
}

/// Reads a cursor made by [`encode`], given as `after`.
pub fn decode(cursor: &str) -> Result<i64> {
    decode_arg("after", cursor)
}

/// Reads a cursor made by [`encode`], given as argument `arg`.
pub fn decode_arg(arg: &str, cursor: &str) -> Result<i64> {
    ENGINE
        .decode(cursor.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("cg:").and_then(|n| n.parse::<i64>().ok()))
        .filter(|n| *n >= 0)
        .ok_or_else(|| errors::bad_input(format!("{arg}: {cursor:?} is not a valid cursor")))
}

/// Checks a page size argument (`first` or `last`, named `arg`) against the cap.
pub fn page_size(state: &AppState, arg: &str, n: Option<i32>) -> Result<i64> {
    let max = state.settings.max_page_size;
    match n {
        None => Ok(state.settings.default_page_size.min(max)),
        Some(n) if n < 0 => Err(errors::bad_input(format!("{arg}: must not be negative"))),
        Some(n) if i64::from(n) > max => Err(errors::bad_input(format!(
            "{arg}: at most {max} items per page"
        ))),
        Some(n) => Ok(i64::from(n)),
    }
}

/// Checks `first`/`after` and returns `(after_ordinal, limit)`.
pub fn args(
    state: &AppState,
    first: Option<i32>,
    after: Option<String>,
) -> Result<(Option<i64>, i64)> {
    let limit = page_size(state, "first", first)?;
    let after = after.as_deref().map(decode).transpose()?;
    Ok((after, limit))
}

/// A list's paging arguments as given: `first`/`after` forwards, or `last`/`before`
/// backwards from the newest (the page still in list order).
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    /// Arguments of a list that pages forwards only.
    pub fn forward(first: Option<i32>, after: Option<String>) -> Self {
        Self {
            first,
            after,
            ..Self::default()
        }
    }

    /// Checked: the slice and its size.
    pub fn slice(self, state: &AppState) -> Result<(Slice, i64)> {
        slice_args(state, self.first, self.after, self.last, self.before)
    }
}

/// Checks `first`/`after` or `last`/`before` (not both directions) and returns the slice
/// and its size.
pub fn slice_args(
    state: &AppState,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> Result<(Slice, i64)> {
    if last.is_none() && before.is_none() {
        let (after, limit) = args(state, first, after)?;
        return Ok((Slice::After(after), limit));
    }
    if first.is_some() || after.is_some() {
        return Err(errors::bad_input(
            "give first/after or last/before, not both",
        ));
    }
    let limit = page_size(state, "last", last)?;
    let before = before
        .as_deref()
        .map(|c| decode_arg("before", c))
        .transpose()?;
    Ok((Slice::Before(before), limit))
}

/// Whether the connection being resolved selects `totalCount`, the one part of a page that
/// costs a count over the filter.
pub fn wants_total(ctx: &Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// Turns a page of rows into a connection.
pub fn connection<R, T>(page: Page<R>, ordinal: fn(&R) -> i64, wrap: fn(R) -> T) -> Connection<T>
where
    T: async_graphql::OutputType,
{
    let mut c = Connection::with_additional_fields(
        page.has_previous,
        page.has_next,
        ListInfo {
            total_count: page.total,
        },
    );
    for row in page.items {
        let cursor = encode(ordinal(&row));
        c.edges.push(Edge::new(cursor, wrap(row)));
    }
    c
}

#[cfg(test)]
mod tests {
    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(super::decode(&super::encode(42)).unwrap(), 42);
        assert!(super::decode("not-a-cursor").is_err());
    }
}
