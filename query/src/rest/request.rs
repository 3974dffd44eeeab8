//! What a REST v1 request says, checked at the edge before any handler runs: who is calling
//! ([`Rest::authorize`]: the credentials of `/graphql` and the role its GraphQL field needs,
//! from [`crate::graphql::access`]), its query string ([`QueryParams`]), its JSON body
//! ([`JsonBody`]) and its `Idempotency-Key` and `If-Match` headers. A bad value is a 400 whose
//! message names the parameter, header or field and echoes at most a short excerpt.

use super::error::RestError;
use crate::auth::Caller;
use crate::errors::{Coded, ErrorCode};
use crate::graphql::access;
use crate::rate_limits::rules::UserKey;
use crate::state::AppState;
use actix_web::{web, HttpRequest};
use async_graphql::parser::types::OperationType;
use command::RequestContext;
use schema::values::excerpt;
use serde::de::DeserializeOwned;
use std::ops::RangeInclusive;

/// An authenticated, authorized caller of a route.
pub struct Rest {
    /// Who (as `/graphql` sees them).
    pub caller: Caller,
    /// The command context of what they ask.
    pub context: RequestContext,
}

impl Rest {
    /// Checks the origin, authenticates the request like `/graphql` and checks that the
    /// caller may run the GraphQL root field `field` of `ty`, which the route serves.
    pub async fn authorize(
        state: &AppState,
        http: &HttpRequest,
        ty: OperationType,
        field: &str,
    ) -> Result<Self, RestError> {
        check_origin(state, http)?;
        let caller = crate::http::caller_of(state, http)
            .await
            .map_err(|e| RestError::new(e.code(), e.to_string()))?;
        access::permit(&caller, ty, field).map_err(|(code, m)| RestError::new(code, m))?;
        let context = crate::http::context_of(http, &caller);
        Ok(Self { caller, context })
    }

    /// The caller as rate limits count them.
    pub fn user(&self) -> UserKey {
        crate::rate_limits::user_key(Some(&self.caller), Some(&self.context))
    }
}

/// Refuses a request from a page whose origin may not call the API, as `/graphql` does.
pub fn check_origin(state: &AppState, http: &HttpRequest) -> Result<(), RestError> {
    if state.origins.allows_request(http.headers()) {
        return Ok(());
    }
    Err(RestError::new(
        ErrorCode::Forbidden,
        "this origin may not call the API (CLUSTERGENIE_ALLOWED_ORIGINS)",
    ))
}

/// Longest query string accepted, bytes.
const MAX_QUERY_BYTES: usize = 2048;

/// A request's query string, as name/value pairs.
pub struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    /// Parses the query string of `http`.
    pub fn of(http: &HttpRequest) -> Result<Self, RestError> {
        let raw = http.query_string();
        if raw.len() > MAX_QUERY_BYTES {
            return Err(RestError::new(
                ErrorCode::BadUserInput,
                format!("the query string is longer than {MAX_QUERY_BYTES} bytes"),
            ));
        }
        web::Query::<Vec<(String, String)>>::from_query(raw)
            .map(|q| Self(q.into_inner()))
            .map_err(|_| RestError::new(ErrorCode::BadUserInput, "the query string is malformed"))
    }

    /// The value of parameter `name`, if given; an empty value (`?status=`) and a parameter
    /// given twice are refused.
    pub fn get(&self, name: &str) -> Result<Option<&str>, RestError> {
        let mut values = self.0.iter().filter(|(n, _)| n == name);
        let first = values.next().map(|(_, v)| v.as_str());
        if values.next().is_some() {
            return Err(RestError::bad_input(name, "given more than once"));
        }
        if first == Some("") {
            return Err(RestError::bad_input(
                name,
                "is empty; leave it out for none",
            ));
        }
        Ok(first)
    }

    /// The integer parameter `name` within `range`, `default` when not given.
    pub fn int(
        &self,
        name: &str,
        default: i64,
        range: RangeInclusive<i64>,
    ) -> Result<i64, RestError> {
        let Some(raw) = self.get(name)? else {
            return Ok(default);
        };
        let n: i64 = raw.parse().map_err(|_| {
            RestError::bad_input(name, format!("{} is not an integer", excerpt(raw)))
        })?;
        if !range.contains(&n) {
            return Err(RestError::bad_input(
                name,
                format!("must be within {}..={}", range.start(), range.end()),
            ));
        }
        Ok(n)
    }

    /// The page size `limit`: `default` when not given, refused below 1, and cut to `cap`
    /// above it (the answer's `limit` says what was used), as the original API did.
    pub fn limit(&self, default: i64, cap: i64) -> Result<i64, RestError> {
        Ok(self.int("limit", default, 1..=i64::MAX)?.min(cap))
    }

    /// The parameter `name`, one of `values` by name (letter case ignored: the original
    /// API's values were lower case), if given.
    pub fn one_of<T: Copy>(
        &self,
        name: &str,
        values: &[T],
        value_name: impl Fn(&T) -> &'static str,
    ) -> Result<Option<T>, RestError> {
        self.get(name)?
            .map(|raw| named(name, raw, values, value_name))
            .transpose()
    }
}

/// The one of `values` whose name is `raw` (letter case ignored), or a 400 naming
/// parameter or field `name` and listing the names.
pub fn named<T: Copy>(
    name: &str,
    raw: &str,
    values: &[T],
    value_name: impl Fn(&T) -> &'static str,
) -> Result<T, RestError> {
    if let Some(v) = values
        .iter()
        .find(|v| value_name(v).eq_ignore_ascii_case(raw))
    {
        return Ok(*v);
    }
    let names: Vec<&str> = values.iter().map(value_name).collect();
    Err(RestError::bad_input(
        name,
        format!("{} is not one of {}", excerpt(raw), names.join(", ")),
    ))
}

/// A request's JSON object body, taken field by field.
pub struct JsonBody(serde_json::Map<String, serde_json::Value>);

impl JsonBody {
    /// The fields of an object (a body's nested object, taken field by field too).
    pub fn of(fields: serde_json::Map<String, serde_json::Value>) -> Self {
        Self(fields)
    }

    /// Reads the body within the API's body limits (JSON content type only, as `/graphql`).
    pub async fn read(
        state: &AppState,
        http: &HttpRequest,
        payload: web::Payload,
    ) -> Result<Self, RestError> {
        let bytes = crate::request::read_json_body(http, payload, state.settings.body).await?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            RestError::new(
                ErrorCode::BadUserInput,
                format!("invalid JSON at line {} column {}", e.line(), e.column()),
            )
        })?;
        match value {
            serde_json::Value::Object(map) => Ok(Self(map)),
            _ => Err(RestError::new(
                ErrorCode::BadUserInput,
                "the body must be a JSON object",
            )),
        }
    }

    /// Field `name`, if present and not null, deserialized as `T` (`what` says what it must be).
    fn optional<T: DeserializeOwned>(
        &mut self,
        name: &str,
        what: &str,
    ) -> Result<Option<T>, RestError> {
        match self.0.remove(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v)
                .map(Some)
                .map_err(|_| RestError::bad_input(name, format!("must be {what}"))),
        }
    }

    /// String field `name`, if present and not null.
    pub fn string(&mut self, name: &str) -> Result<Option<String>, RestError> {
        self.optional(name, "a string")
    }

    /// String field `name`, which must be present.
    pub fn required_string(&mut self, name: &str) -> Result<String, RestError> {
        self.string(name)?
            .ok_or_else(|| RestError::bad_input(name, "is required"))
    }

    /// Field `name`, an object of string values, if present and not null.
    pub fn string_map(
        &mut self,
        name: &str,
    ) -> Result<Option<std::collections::BTreeMap<String, String>>, RestError> {
        self.optional(name, "an object of string values")
    }

    /// Field `name`, if present and not null, deserialized as `T` (an object of the body's
    /// own shape; `what` says what it must be).
    pub fn object<T: DeserializeOwned>(
        &mut self,
        name: &str,
        what: &str,
    ) -> Result<Option<T>, RestError> {
        self.optional(name, what)
    }

    /// Number field `name`, if present and not null.
    pub fn float(&mut self, name: &str) -> Result<Option<f64>, RestError> {
        self.optional(name, "a number")
    }

    /// Field `name`, one of `values` by name (letter case ignored), if present and not null.
    pub fn one_of<T: Copy>(
        &mut self,
        name: &str,
        values: &[T],
        value_name: impl Fn(&T) -> &'static str,
    ) -> Result<Option<T>, RestError> {
        self.string(name)?
            .map(|raw| named(name, &raw, values, value_name))
            .transpose()
    }

    /// Field `name`: absent, null (to clear it) or a value deserialized as `T` (`what`
    /// says what it must be).
    fn nullable<T: DeserializeOwned>(
        &mut self,
        name: &str,
        what: &str,
    ) -> Result<async_graphql::MaybeUndefined<T>, RestError> {
        use async_graphql::MaybeUndefined;
        match self.0.get(name) {
            None => Ok(MaybeUndefined::Undefined),
            Some(serde_json::Value::Null) => {
                self.0.remove(name);
                Ok(MaybeUndefined::Null)
            }
            Some(_) => Ok(self
                .optional(name, what)?
                .map_or(MaybeUndefined::Undefined, MaybeUndefined::Value)),
        }
    }

    /// Number field `name`: absent, null (to clear it) or a value.
    pub fn nullable_float(
        &mut self,
        name: &str,
    ) -> Result<async_graphql::MaybeUndefined<f64>, RestError> {
        self.nullable(name, "a number")
    }

    /// Integer field `name`, if present and not null.
    pub fn int(&mut self, name: &str) -> Result<Option<i64>, RestError> {
        self.optional(name, "an integer")
    }

    /// Boolean field `name`, if present and not null.
    pub fn bool(&mut self, name: &str) -> Result<Option<bool>, RestError> {
        self.optional(name, "true or false")
    }

    /// String field `name`: absent, null (to clear it) or a value.
    pub fn nullable_string(
        &mut self,
        name: &str,
    ) -> Result<async_graphql::MaybeUndefined<String>, RestError> {
        self.nullable(name, "a string")
    }

    /// Field `name`, an array of strings, if present and not null.
    pub fn strings(&mut self, name: &str) -> Result<Option<Vec<String>>, RestError> {
        self.optional(name, "an array of strings")
    }
}

/// Header `name` as text, if sent.
fn header<'r>(http: &'r HttpRequest, name: &str) -> Result<Option<&'r str>, RestError> {
    http.headers()
        .get(name)
        .map(|v| {
            v.to_str()
                .map_err(|_| RestError::bad_input(name, "must be visible ASCII"))
        })
        .transpose()
}

/// Droplets, clusters, jobs, checks or policies listed when `limit` is not given (the
/// original's default).
pub const DEFAULT_LIMIT: i64 = 50;
/// The largest `offset` accepted (a deeper page is a filter's job).
pub const MAX_OFFSET: i64 = 1_000_000;

/// A page of a list route: its rows (oldest first) and their total, and the `limit` and
/// `offset` used.
pub struct OffsetPage<R> {
    pub rows: Vec<R>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

impl QueryParams {
    /// The `limit` (default [`DEFAULT_LIMIT`], cut to the page size cap) and `offset` page of
    /// read model `M` that `filter` selects.
    pub async fn offset_page<M: projector::models::Listed>(
        &self,
        state: &crate::state::AppState,
        filter: &M::Filter,
    ) -> Result<OffsetPage<M::Row>, RestError> {
        let limit = self.limit(DEFAULT_LIMIT, state.settings.max_page_size)?;
        let offset = self.int("offset", 0, 0..=MAX_OFFSET)?;
        let page = state
            .reads
            .list::<M>(filter, projector::Slice::Offset(offset), limit, true)
            .await
            .map_err(crate::errors::read)?;
        Ok(OffsetPage {
            rows: page.items,
            total: page.total,
            limit,
            offset,
        })
    }
}

/// Declares `$name`, the document's type of a parameter that takes one of `$values` (a
/// `schema` type's `ALL`) by name: the document lists exactly what the parser accepts.
macro_rules! names_of {
    ($(#[$doc:meta])* $name:ident = $values:expr) => {
        names_of!($(#[$doc])* $name = $values, |v| v.as_str());
    };
    ($(#[$doc:meta])* $name:ident = $values:expr, $name_of:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::String)
                    .enum_values(Some($values.iter().map($name_of)))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}
pub(crate) use names_of;

/// The `Idempotency-Key` header: a retried POST or DELETE with the same key returns the
/// first answer and changes nothing (the commands' `idempotencyKey`).
pub fn idempotency_key(http: &HttpRequest) -> Result<Option<String>, RestError> {
    Ok(header(http, "Idempotency-Key")?.map(str::to_string))
}

/// The `If-Match` header as the expected version (`"3"`, `W/"3"` or `3`); `*` or none
/// expects nothing.
pub fn if_match(http: &HttpRequest) -> Result<Option<i64>, RestError> {
    let Some(raw) = header(http, "If-Match")? else {
        return Ok(None);
    };
    let raw = raw.trim();
    // An empty If-Match asks for nothing; "*" for any version.
    if raw.is_empty() || raw == "*" {
        return Ok(None);
    }
    let tag = raw.strip_prefix("W/").unwrap_or(raw).trim_matches('"');
    tag.parse::<i64>().map(Some).map_err(|_| {
        RestError::bad_input(
            "If-Match",
            format!(
                "{} is not an ETag of this API (a version such as \"3\")",
                excerpt(raw)
            ),
        )
    })
}

/// The `ETag` of an object at `version`.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn if_match_reads_the_etags_it_hands_out() {
        let with = |v: &str| {
            TestRequest::default()
                .insert_header(("If-Match", v))
                .to_http_request()
        };
        assert_eq!(if_match(&with(&etag(3))), Ok(Some(3)));
        assert_eq!(if_match(&with("W/\"7\"")), Ok(Some(7)));
        assert_eq!(if_match(&with("*")), Ok(None));
        assert_eq!(if_match(&with("")), Ok(None));
        assert_eq!(
            if_match(&TestRequest::default().to_http_request()),
            Ok(None)
        );
        let e = if_match(&with("\"abc\"")).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadUserInput);
        assert!(e.message.starts_with("If-Match:"), "{}", e.message);
    }

    #[test]
    fn query_parameters_name_themselves_when_refused() {
        let with = |q: &str| TestRequest::with_uri(&format!("/x?{q}")).to_http_request();
        let q = QueryParams::of(&with("limit=5&offset=")).unwrap();
        assert_eq!(q.int("limit", 50, 1..=100), Ok(5));
        let e = q.int("offset", 0, 0..=10).unwrap_err();
        assert_eq!(e.message, "offset: is empty; leave it out for none");
        assert_eq!(q.int("page", 1, 1..=10), Ok(1));
        assert_eq!(q.limit(50, 3), Ok(3));
        let q = QueryParams::of(&with("limit=0")).unwrap();
        assert!(q.limit(50, 100).unwrap_err().message.starts_with("limit:"));
        let q = QueryParams::of(&with("limit=lots&limit=2")).unwrap();
        assert!(q
            .int("limit", 50, 1..=100)
            .unwrap_err()
            .message
            .starts_with("limit:"));
        let q = QueryParams::of(&with("limit=1000")).unwrap();
        let e = q.int("limit", 50, 1..=100).unwrap_err();
        assert_eq!(e.message, "limit: must be within 1..=100");
        let q = QueryParams::of(&with(&format!("status={}", "x".repeat(500)))).unwrap();
        let all = schema::DropletStatus::ALL;
        let e = q.one_of("status", all, |s| s.as_str()).unwrap_err();
        assert!(e.message.len() < 150, "{}", e.message);
        let q = QueryParams::of(&with("status=running")).unwrap();
        let status = q.one_of("status", all, |s| s.as_str());
        assert_eq!(status, Ok(Some(schema::DropletStatus::Running)));
    }
}
