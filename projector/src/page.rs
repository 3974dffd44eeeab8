//! One page of a listed table: filtered, ordered by creation (ordinal), cut with a cursor on
//! it, with its total when asked for.

use crate::backend::{Backend, Bind, Columns};
use crate::clause::Where;
use crate::counts::TABLE as COUNTS;
use crate::models::Listed;
use command::Db;

/// Which part of a filtered list a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slice {
    /// The first items after an ordinal (or from the start).
    After(Option<i64>),
    /// The last items before an ordinal (or up to the end), still in list order.
    Before(Option<i64>),
    /// The items after skipping this many (REST v1's `offset`; a cursor is steadier
    /// under inserts, so GraphQL has none).
    Offset(i64),
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    /// Whether items come before this page (only known for [`Slice::Before`] pages).
    pub has_previous: bool,
    /// Items matching the filter on all pages (0 when not asked for).
    pub total: i64,
}

/// The SQL of `table`'s count under the filter `w`: the row `counted` of `read_model_counts`
/// when given (binding its name as a new parameter of `w`), else `COUNT(*)`.
fn total_expr(table: &str, counted: &Option<String>, w: &mut Where) -> String {
    match counted {
        Some(key) => {
            let n = w.param_text(key.clone());
            format!("COALESCE((SELECT n FROM {COUNTS} WHERE name = ${n}), 0)")
        }
        None => format!("(SELECT COUNT(*) FROM {table} {})", w.sql()),
    }
}

/// A page of `T` (the `slice` of it under `filter`), with `totalCount` when `total` is set.
///
/// The total is a scalar subquery of the page's own statement: one round trip, and the page
/// and its total come from one snapshot. When `read_model_counts` keeps the filter's count
/// (see [`Listed::filter`]) it is that row, not a `COUNT(*)`.
pub(crate) async fn page<T: Listed, DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
    filter: &T::Filter,
    slice: Slice,
    limit: i64,
    total: bool,
) -> Result<Page<T::Row>, sqlx::Error> {
    let mut w = Where::default();
    let counted = T::filter(filter, &mut w);
    let filtered = w.clone();
    let total_col = if total {
        format!(", {} AS total_count", total_expr(T::NAME, &counted, &mut w))
    } else {
        String::new()
    };
    // A backward page reads newest first from the ordinal index, then turns around.
    let order = match slice {
        Slice::After(after) => {
            w.num(T::ORDER, ">", after);
            T::ORDER.to_string()
        }
        Slice::Before(before) => {
            w.num(T::ORDER, "<", before);
            format!("{} DESC", T::ORDER)
        }
        Slice::Offset(_) => T::ORDER.to_string(),
    };
    let skip = match slice {
        Slice::Offset(n) => format!(" OFFSET {}", n.max(0)),
        _ => String::new(),
    };
    let sql = format!(
        "SELECT {}{total_col} FROM {} {} ORDER BY {order} LIMIT {}{skip}",
        T::COLUMNS,
        T::NAME,
        w.sql(),
        limit + 1
    );
    let sql = db.sql(&sql);
    let rows = DB::fetch_all(&mut *conn, w.bind(DB::query(&sql))).await?;
    let total = match rows.first() {
        _ if !total => 0,
        Some(r) => r.int("total_count")?,
        // An empty page (past the end, or nothing matches) still reports the total.
        None => {
            let mut w = if counted.is_some() {
                Where::default()
            } else {
                filtered
            };
            let sql = format!("SELECT {} AS n", total_expr(T::NAME, &counted, &mut w));
            let sql = db.sql(&sql);
            let row = DB::fetch_optional(&mut *conn, w.bind(DB::query(&sql))).await?;
            row.map(|r| r.int("n")).transpose()?.unwrap_or_default()
        }
    };
    let mut items = rows
        .iter()
        .map(|r| T::decode(r))
        .collect::<Result<Vec<_>, _>>()?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let (has_next, has_previous) = match slice {
        Slice::After(_) => (more, false),
        Slice::Offset(n) => (more, n > 0),
        Slice::Before(before) => {
            items.reverse();
            (before.is_some(), more)
        }
    };
    Ok(Page {
        items,
        has_next,
        has_previous,
        total,
    })
}

/// The row of `T` with primary key `id`.
pub(crate) async fn by_id<T: Listed, DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
    id: &str,
) -> Result<Option<T::Row>, sqlx::Error> {
    let key = T::COLUMNS.split(',').next().unwrap_or("id");
    let sql = format!("SELECT {} FROM {} WHERE {key} = $1", T::COLUMNS, T::NAME);
    let sql = db.sql(&sql);
    let row = DB::fetch_optional(conn, DB::query(&sql).text(id)).await?;
    row.as_ref().map(T::decode).transpose()
}
