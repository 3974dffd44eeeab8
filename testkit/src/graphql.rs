//! A GraphQL-over-HTTP client as a test sees the server: JSON in, JSON out, and the error
//! codes of an answer.

use serde_json::{json, Value};
use std::time::Duration;

/// A client for one server's `/graphql`.
#[derive(Clone, Debug)]
pub struct GraphqlClient {
    http: reqwest::Client,
    url: String,
}

impl GraphqlClient {
    /// A client for the server on `127.0.0.1:port`.
    pub fn on_port(port: u16) -> Self {
        Self::new(format!("http://127.0.0.1:{port}/graphql"))
    }

    /// A client for the GraphQL endpoint at `url`.
    pub fn new(url: String) -> Self {
        Self {
            http: reqwest::Client::new(),
            url,
        }
    }

    /// The endpoint's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Posts a request; `Err` says why no JSON answer arrived (connection, status, body).
    pub async fn try_post(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<Value, String> {
        let (status, text) = self.send(token, query, variables).await?;
        if !(200..300).contains(&status) {
            return Err(format!("HTTP {status}: {text}"));
        }
        serde_json::from_str(&text).map_err(|e| format!("not JSON ({e}): {text}"))
    }

    /// Posts `query` with `variables` and returns the HTTP status and the JSON answer, whatever the status.
    pub async fn post_raw(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (u16, Value) {
        let (status, text) = self
            .send(token, query, variables)
            .await
            .unwrap_or_else(|e| panic!("GraphQL request to {} failed: {e}", self.url));
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        (status, body)
    }

    /// Sends one request; its status and body text.
    async fn send(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<(u16, String), String> {
        let mut request = self
            .http
            .post(&self.url)
            .timeout(Duration::from_secs(60))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| e.to_string())?;
        Ok((status, text))
    }

    /// Posts a request anonymously; the test fails when no JSON answer arrives.
    pub async fn post(&self, query: &str, variables: Value) -> Value {
        self.post_as(None, query, variables).await
    }

    /// Posts a request with an optional bearer token; the test fails when no JSON answer
    /// arrives.
    pub async fn post_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.try_post(token, query, variables)
            .await
            .unwrap_or_else(|e| panic!("GraphQL request to {} failed: {e}", self.url))
    }
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(response: &Value) -> Option<String> {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_string)
}

/// `data.<field>.<key>` as a string; the test fails (showing the answer) when it is missing.
pub fn string_at(response: &Value, pointer: &str) -> String {
    response
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {response}"))
        .to_string()
}

/// An integer at a JSON pointer; the test fails (showing the answer) when it is missing.
pub fn i64_at(response: &Value, pointer: &str) -> i64 {
    response
        .pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or_else(|| panic!("no integer at {pointer} in {response}"))
}
