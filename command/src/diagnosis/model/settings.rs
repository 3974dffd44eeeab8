//! Where the model backend sends its requests and the bounds of one call. Built by
//! [`ModelSettings::new`], which refuses a base URL or model name that cannot work, so an
//! invalid value cannot exist past the configuration.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// The key sent as `Authorization: Bearer …`; Debug, Display and Serialize print `***`, so
/// it never reaches a log line, an error or a dump of the settings.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key; surrounding whitespace (a key file's trailing newline) is dropped.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into().trim().to_string())
    }

    /// The key itself, for the request header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the key is empty (servers such as a local Ollama need none).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl Serialize for ApiKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("***")
    }
}

/// Why model settings were refused; says what is wrong without echoing the value (a URL may
/// carry credentials).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelSettingsError {
    /// The base URL is not an absolute http(s) URL.
    #[error("must be an http:// or https:// URL of an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1")]
    BaseUrlNotHttp,
    /// The base URL carries a user name or password.
    #[error("must not carry credentials (set the API key instead)")]
    BaseUrlWithCredentials,
    /// The model name is empty or too long.
    #[error("must be a model name of 1–200 characters without control characters")]
    BadModel,
}

/// Longest model name accepted (server model names are far shorter).
const MAX_MODEL_LEN: usize = 200;

/// What the model backend needs: the server, the model, the key, and the bounds of a call.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSettings {
    base_url: String,
    model: String,
    api_key: Option<ApiKey>,
    /// Longest time one attempt (connect, request and the whole answer) may take.
    pub timeout: Duration,
    /// Further attempts after a connection error, HTTP 5xx or 429.
    pub max_retries: u32,
    /// Wait before the first retry, doubled for each further one.
    pub retry_backoff: Duration,
    /// Largest prompt (system and user messages) in bytes; longer evidence is trimmed.
    pub max_prompt_bytes: usize,
    /// Token budget of the completion (`max_completion_tokens`); an answer beyond it is
    /// not read further.
    pub max_tokens: u32,
    /// Asks for the answer as a stream of server-sent events (`stream: true`).
    pub stream: bool,
}

impl ModelSettings {
    /// Default time of one attempt.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
    /// Default token budget of the completion.
    pub const DEFAULT_MAX_TOKENS: u32 = 2048;
    /// Default prompt bound: 48 KiB, about 12k tokens, within every current model's context.
    pub const DEFAULT_MAX_PROMPT_BYTES: usize = 48 * 1024;

    /// Settings for `model` at `base_url` (the API root, e.g. `https://api.openai.com/v1`),
    /// with the default bounds.
    pub fn new(
        base_url: &str,
        model: &str,
        api_key: Option<ApiKey>,
    ) -> Result<Self, ModelSettingsError> {
        let url =
            reqwest::Url::parse(base_url.trim()).map_err(|_| ModelSettingsError::BaseUrlNotHttp)?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
            return Err(ModelSettingsError::BaseUrlNotHttp);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ModelSettingsError::BaseUrlWithCredentials);
        }
        let model = model.trim();
        if model.is_empty() || model.len() > MAX_MODEL_LEN || model.chars().any(char::is_control) {
            return Err(ModelSettingsError::BadModel);
        }
        Ok(Self {
            base_url: url.as_str().trim_end_matches('/').to_string(),
            model: model.to_string(),
            api_key: api_key.filter(|k| !k.is_empty()),
            timeout: Self::DEFAULT_TIMEOUT,
            max_retries: 2,
            retry_backoff: Duration::from_millis(500),
            max_prompt_bytes: Self::DEFAULT_MAX_PROMPT_BYTES,
            max_tokens: Self::DEFAULT_MAX_TOKENS,
            stream: true,
        })
    }

    /// The API root requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The model asked.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The key, when one is set.
    pub fn api_key(&self) -> Option<&ApiKey> {
        self.api_key.as_ref()
    }

    /// The report's backend name, `openai:<model>`.
    pub fn backend(&self) -> String {
        format!("openai:{}", self.model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_prints_as_stars_everywhere() {
        let key = ApiKey::new("sk-secret-123\n");
        assert_eq!(key.expose(), "sk-secret-123");
        let settings =
            ModelSettings::new("http://127.0.0.1:1/v1/", "m", Some(key.clone())).unwrap();
        let printed = format!(
            "{key} {key:?} {settings:?} {}",
            serde_json::to_string(&key).unwrap()
        );
        assert!(!printed.contains("sk-secret"), "{printed}");
        assert!(printed.contains("***"));
        assert_eq!(settings.base_url(), "http://127.0.0.1:1/v1");
    }

    #[test]
    fn bad_urls_and_models_are_refused() {
        let refuse = |url: &str, model: &str| ModelSettings::new(url, model, None).unwrap_err();
        assert_eq!(
            refuse("localhost:11434", "m"),
            ModelSettingsError::BaseUrlNotHttp
        );
        assert_eq!(
            refuse("ftp://h/v1", "m"),
            ModelSettingsError::BaseUrlNotHttp
        );
        assert_eq!(refuse("not a url", "m"), ModelSettingsError::BaseUrlNotHttp);
        assert_eq!(
            refuse("http://user:pw@h/v1", "m"),
            ModelSettingsError::BaseUrlWithCredentials
        );
        assert_eq!(refuse("http://h/v1", " "), ModelSettingsError::BadModel);
        assert!(ModelSettings::new("https://api.openai.com/v1", "gpt-4o-mini", None).is_ok());
    }
}
