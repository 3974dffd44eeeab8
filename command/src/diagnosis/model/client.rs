//! One chat completion over the OpenAI protocol (async-openai; http, or https with rustls on
//! ring), streamed or not, bounded by a timeout per attempt and the token budget, retried
//! with backoff on connection errors, HTTP 5xx and 429. Errors say what happened without the key (it is only ever in the
//! `Authorization` header; any error text that echoes it has it replaced by `***`).

use super::answer;
use super::prompt::Prompt;
use super::settings::ModelSettings;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::middleware::ReqwestService;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestUserMessage, ChatCompletionStreamOptions, CreateChatCompletionRequest,
    FinishReason, ResponseFormat, ResponseFormatJsonSchema,
};
use async_openai::Client;
use futures::StreamExt;
use std::time::Duration;

/// How the answer's shape is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerFormat {
    /// `response_format: json_schema` with the answer's schema, strict.
    Schema,
    /// No `response_format`: the prompt's instruction (and its schema) alone, for servers
    /// that refuse structured outputs.
    PlainJson,
}

/// The model's text and what it cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The whole answer text.
    pub text: String,
    /// Prompt and completion tokens, when the server said.
    pub tokens_used: Option<u32>,
}

/// Why a completion failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// The server refused `response_format` (an HTTP 4xx naming it).
    #[error("the model server does not support response_format json_schema (HTTP {0})")]
    FormatRefused(u16),
    /// No connection could be made.
    #[error("the model server could not be reached ({0})")]
    Unreachable(String),
    /// An attempt took longer than the timeout.
    #[error("the model did not answer within {0} s")]
    TimedOut(f64),
    /// HTTP 5xx or 429 on every attempt.
    #[error("the model server failed with HTTP {status} after {attempts} attempts")]
    ServerFailed {
        /// The last status.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },
    /// The server refused the request for good (HTTP 4xx).
    #[error("the model server refused the request (HTTP {status}: {message})")]
    Refused {
        /// The status.
        status: u16,
        /// A short excerpt of the server's message.
        message: String,
    },
    /// The answer went past the token budget.
    #[error("the model's answer exceeded the token budget of {0} tokens")]
    OverBudget(u32),
    /// The server's answer broke off or was not a chat completion.
    #[error("the model server's answer could not be read ({0})")]
    Broken(String),
}

impl CallError {
    /// Whether another attempt may succeed (nothing streamed yet).
    fn retryable(&self) -> bool {
        matches!(
            self,
            Self::Unreachable(_) | Self::ServerFailed { .. } | Self::Broken(_)
        )
    }
}

/// Upper bound of the wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The chat-completions client of one configured server.
pub struct ChatClient {
    client: Client<OpenAIConfig>,
    settings: ModelSettings,
}

impl std::fmt::Debug for ChatClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatClient")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl ChatClient {
    /// A client of the server `settings` name.
    pub fn new(settings: ModelSettings) -> Self {
        // reqwest (without a provider of its own) takes the process default; ring is the
        // provider this tree already builds. Already installed (by us or anyone) is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut config = OpenAIConfig::new().with_api_base(settings.base_url());
        config = config.with_api_key(settings.api_key().map(|k| k.expose()).unwrap_or(""));
        Self {
            // The plain service: the default one retries on its own, inside our timeout.
            client: Client::with_config(config).with_http_service(ReqwestService::default()),
            settings,
        }
    }

    /// The settings it was made with.
    pub fn settings(&self) -> &ModelSettings {
        &self.settings
    }

    /// The request for `prompt` in `format`.
    pub fn request(&self, prompt: &Prompt, format: AnswerFormat) -> CreateChatCompletionRequest {
        let stream = self.settings.stream;
        CreateChatCompletionRequest {
            model: self.settings.model().to_string(),
            messages: vec![
                ChatCompletionRequestMessage::from(ChatCompletionRequestSystemMessage {
                    content: prompt.system.clone().into(),
                    name: None,
                }),
                ChatCompletionRequestMessage::from(ChatCompletionRequestUserMessage {
                    content: prompt.user.clone().into(),
                    name: None,
                }),
            ],
            temperature: Some(0.0),
            max_completion_tokens: Some(self.settings.max_tokens),
            response_format: (format == AnswerFormat::Schema).then(|| ResponseFormat::JsonSchema {
                json_schema: ResponseFormatJsonSchema {
                    description: Some(
                        "ClusterGenie's diagnosis: findings ranked and explained".into(),
                    ),
                    name: answer::SCHEMA_NAME.into(),
                    schema: answer::schema().clone(),
                    strict: Some(true),
                },
            }),
            stream: Some(stream),
            stream_options: stream.then_some(ChatCompletionStreamOptions {
                include_usage: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// The completion of `prompt`, retried as configured; streamed text goes to `on_text`.
    pub async fn complete(
        &self,
        prompt: &Prompt,
        format: AnswerFormat,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Completion, CallError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut streamed = false;
            let mut seen = |text: &str| {
                streamed = true;
                on_text(text);
            };
            let result = tokio::time::timeout(
                self.settings.timeout,
                self.attempt(prompt, format, &mut seen),
            )
            .await
            .unwrap_or(Err(CallError::TimedOut(
                self.settings.timeout.as_secs_f64(),
            )));
            let error = match result {
                Ok(completion) => return Ok(completion),
                Err(e) => e,
            };
            let error = match error {
                CallError::ServerFailed { status, .. } => CallError::ServerFailed {
                    status,
                    attempts: attempt,
                },
                other => other,
            };
            if streamed || !error.retryable() || attempt > self.settings.max_retries {
                return Err(error);
            }
            let backoff = self
                .settings
                .retry_backoff
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(MAX_BACKOFF);
            tracing::info!(
                model = self.settings.model(),
                attempt,
                error = %error,
                backoff_ms = backoff.as_millis() as u64,
                "the model call failed; retrying"
            );
            tokio::time::sleep(backoff).await;
        }
    }

    async fn attempt(
        &self,
        prompt: &Prompt,
        format: AnswerFormat,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Completion, CallError> {
        let request = self.request(prompt, format);
        let budget = self.settings.max_tokens;
        if !self.settings.stream {
            let response = self
                .client
                .chat()
                .create(request)
                .await
                .map_err(|e| self.classify(e, format))?;
            let usage = response.usage;
            if usage.as_ref().is_some_and(|u| u.completion_tokens > budget) {
                return Err(CallError::OverBudget(budget));
            }
            let choice = response.choices.into_iter().next();
            if choice
                .as_ref()
                .is_some_and(|c| c.finish_reason == Some(FinishReason::Length))
            {
                return Err(CallError::OverBudget(budget));
            }
            let text = choice.and_then(|c| c.message.content).unwrap_or_default();
            if text.len() > budget as usize * 8 {
                return Err(CallError::OverBudget(budget));
            }
            on_text(&text);
            return Ok(Completion {
                text,
                tokens_used: usage.map(|u| u.total_tokens),
            });
        }
        let mut stream = self
            .client
            .chat()
            .create_stream(request)
            .await
            .map_err(|e| self.classify(e, format))?;
        let mut text = String::new();
        let mut chunks: u32 = 0;
        let mut tokens_used = None;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.classify(e, format))?;
            if let Some(usage) = &chunk.usage {
                tokens_used = Some(usage.total_tokens);
                if usage.completion_tokens > budget {
                    return Err(CallError::OverBudget(budget));
                }
            }
            for choice in &chunk.choices {
                if let Some(delta) = choice.delta.content.as_deref().filter(|d| !d.is_empty()) {
                    chunks += 1;
                    text.push_str(delta);
                    // A content chunk carries at least one token and a token rarely more
                    // than eight bytes: past either bound the answer is over budget.
                    if chunks > budget.saturating_add(16) || text.len() > budget as usize * 8 {
                        return Err(CallError::OverBudget(budget));
                    }
                    on_text(delta);
                }
                if choice.finish_reason == Some(FinishReason::Length) {
                    return Err(CallError::OverBudget(budget));
                }
            }
        }
        Ok(Completion { text, tokens_used })
    }

    /// `text` with the key, should a server have echoed it, replaced by `***`.
    fn redact(&self, text: &str) -> String {
        match self.settings.api_key() {
            Some(key) if !key.is_empty() => text.replace(key.expose(), "***"),
            _ => text.to_string(),
        }
    }

    fn classify(&self, error: OpenAIError, format: AnswerFormat) -> CallError {
        match error {
            OpenAIError::Reqwest(e) if e.is_timeout() => {
                CallError::TimedOut(self.settings.timeout.as_secs_f64())
            }
            OpenAIError::Reqwest(e) if e.is_connect() => {
                CallError::Unreachable(self.redact(&source_chain(&e)))
            }
            OpenAIError::Reqwest(e) => CallError::Broken(self.redact(&source_chain(&e))),
            OpenAIError::ApiError(response) => {
                let status = response.status_code.as_u16();
                let message = self.redact(&response.api_error.to_string());
                let about_format = ["response_format", "json_schema", "structured"]
                    .iter()
                    .any(|w| message.to_ascii_lowercase().contains(w));
                if status == 429 || response.status_code.is_server_error() {
                    CallError::ServerFailed {
                        status,
                        attempts: 1,
                    }
                } else if format == AnswerFormat::Schema
                    && (status == 400 || status == 422)
                    && about_format
                {
                    CallError::FormatRefused(status)
                } else {
                    CallError::Refused {
                        status,
                        message: short(&message),
                    }
                }
            }
            OpenAIError::JSONDeserialize(e, _) => {
                CallError::Broken(format!("not a chat completion: {e}"))
            }
            OpenAIError::StreamError(e) => CallError::Broken(self.redact(&e.to_string())),
            other => CallError::Broken(self.redact(&other.to_string())),
        }
    }
}

/// Longest excerpt of a server's message kept in an error, in characters.
const MESSAGE_CHARS: usize = 160;

/// A server's message on one line, at most [`MESSAGE_CHARS`] long.
fn short(message: &str) -> String {
    let mut out: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MESSAGE_CHARS)
        .collect();
    if message.chars().count() > MESSAGE_CHARS {
        out.push('…');
    }
    out
}

/// An error and its causes on one line (reqwest's own message alone says little).
fn source_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
