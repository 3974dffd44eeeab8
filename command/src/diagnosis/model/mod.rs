//! The model backend: asks an OpenAI-compatible server (OpenAI, a local Ollama or vLLM) to
//! explain and rank the built-in report, and falls back to the built-in report whenever it
//! cannot — a diagnosis never fails because the model did.
//!
//! One [`ModelBackend::explain`]: mask the names ([`masking`]), build the bounded prompt
//! ([`prompt`]), ask for an answer against the JSON Schema of [`answer::ModelAnswer`]
//! ([`client`]; once more with a plain-JSON instruction when the server refuses
//! `response_format`), check it ([`answer`]), unmask it and merge it into the built-in report
//! ([`merge`]). Replay calls [`apply_answer`] with the recorded answer and gets the same
//! report without the model.

pub mod answer;
pub mod client;
pub mod evidence;
pub mod masking;
pub mod merge;
pub mod prompt;
pub mod prose;
pub mod settings;

pub use answer::{AnswerError, EvidenceRef, ModelAnswer, ModelFinding};
pub use client::{AnswerFormat, CallError, ChatClient};
pub use masking::Masking;
pub use merge::{apply_answer, Answerer};
pub use prompt::Prompt;
pub use settings::{ApiKey, ModelSettings, ModelSettingsError};

use schema::diagnosis::{Report, Snapshot};

/// What [`ModelBackend::explain`] gives: the model's report, or the built-in one and why.
#[derive(Debug, Clone, PartialEq)]
pub enum Explained {
    /// The model answered and its answer passed every check.
    Answered {
        /// The built-in report explained and ranked by the model.
        report: Report,
        /// The validated, unmasked [`ModelAnswer`], for the diagnosis' audit event.
        answer: serde_json::Value,
        /// Hex SHA-256 of the prompt sent.
        prompt_hash: String,
        /// Tokens the model used, when the server said.
        tokens_used: Option<u32>,
        /// The model that answered, as configured.
        model: String,
    },
    /// The model failed; the report is the built-in one with a note saying why.
    FellBack {
        /// The built-in report, its note saying why the model's is not shown.
        report: Report,
        /// Hex SHA-256 of the prompt sent (or that would have been).
        prompt_hash: String,
        /// Why, in a sentence.
        reason: String,
    },
}

impl Explained {
    /// The report to show, either way.
    pub fn report(&self) -> &Report {
        match self {
            Self::Answered { report, .. } | Self::FellBack { report, .. } => report,
        }
    }

    /// The hash of the prompt, either way.
    pub fn prompt_hash(&self) -> &str {
        match self {
            Self::Answered { prompt_hash, .. } | Self::FellBack { prompt_hash, .. } => prompt_hash,
        }
    }
}

/// Why the model's answer is not used.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Call(#[from] CallError),
    #[error(transparent)]
    Answer(#[from] AnswerError),
}

/// The model backend of one configured server.
#[derive(Debug)]
pub struct ModelBackend {
    client: ChatClient,
}

impl ModelBackend {
    /// A backend asking the server and model `settings` name.
    pub fn new(settings: ModelSettings) -> Self {
        Self {
            client: ChatClient::new(settings),
        }
    }

    /// Its settings.
    pub fn settings(&self) -> &ModelSettings {
        self.client.settings()
    }

    /// The prompt `explain` sends for these inputs, with the masking it uses.
    pub fn prompt(
        &self,
        snapshot: &Snapshot,
        builtin: &Report,
        question: Option<&str>,
    ) -> (Prompt, Masking) {
        let masking = Masking::of(snapshot, builtin, question);
        let prompt = prompt::build(
            snapshot,
            builtin,
            question,
            &masking,
            self.settings().max_prompt_bytes,
        );
        (prompt, masking)
    }

    /// The built-in report explained and ranked by the model, or the built-in report with a
    /// note when the model fails in any way; `on_text` receives the prose of the model's
    /// answer as it arrives ([`prose`]: its summary, titles, explanations and
    /// recommendations, not the JSON around them), unmasked (names, not placeholders; a
    /// word once it has ended).
    pub async fn explain(
        &self,
        snapshot: &Snapshot,
        builtin: &Report,
        question: Option<&str>,
        mut on_text: impl FnMut(&str) + Send,
    ) -> Explained {
        let (prompt, masking) = self.prompt(snapshot, builtin, question);
        let prompt_hash = prompt.hash();
        let model = self.settings().model().to_string();
        let mut unmasker = masking::StreamUnmasker::new(&masking);
        let mut prose = prose::ProseStream::new();
        let mut on_piece = |piece: &str| {
            let text = unmasker.push(&prose.push(piece));
            if !text.is_empty() {
                on_text(&text);
            }
        };
        let asked = self
            .ask(&prompt, &masking, snapshot, builtin, &mut on_piece)
            .await;
        let rest = unmasker.finish();
        if !rest.is_empty() {
            on_text(&rest);
        }
        match asked {
            Ok((answer, tokens_used)) => {
                let report = apply_answer(
                    snapshot,
                    builtin,
                    &answer,
                    &Answerer {
                        model: &model,
                        tokens_used,
                    },
                );
                Explained::Answered {
                    report,
                    answer: serde_json::to_value(&answer).expect("an answer serializes"),
                    prompt_hash,
                    tokens_used,
                    model,
                }
            }
            Err(failure) => {
                let reason = failure.to_string();
                tracing::warn!(model = %model, reason = %reason, "the model's answer is not used; showing the built-in analysis");
                let mut report = builtin.clone();
                let note = format!("{reason}; showing the built-in analysis");
                report.note = Some(match report.note.take() {
                    Some(before) => format!("{before} {note}"),
                    None => note,
                });
                Explained::FellBack {
                    report,
                    prompt_hash,
                    reason,
                }
            }
        }
    }

    /// The model's checked, unmasked answer and the tokens it used.
    async fn ask(
        &self,
        prompt: &Prompt,
        masking: &Masking,
        snapshot: &Snapshot,
        builtin: &Report,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<(ModelAnswer, Option<u32>), Failure> {
        let completion = match self
            .client
            .complete(prompt, AnswerFormat::Schema, on_text)
            .await
        {
            Err(CallError::FormatRefused(status)) => {
                tracing::info!(
                    status,
                    "the model server refused response_format; asking for plain JSON"
                );
                self.client
                    .complete(prompt, AnswerFormat::PlainJson, on_text)
                    .await?
            }
            other => other?,
        };
        let answer = answer::parse(&completion.text, snapshot, builtin)?;
        Ok((unmask(&answer, masking), completion.tokens_used))
    }
}

/// The answer with the real names back in its texts.
fn unmask(answer: &ModelAnswer, masking: &Masking) -> ModelAnswer {
    ModelAnswer {
        summary: masking.unmask(&answer.summary),
        findings: answer
            .findings
            .iter()
            .map(|f| ModelFinding {
                title: masking.unmask(&f.title),
                explanation: masking.unmask(&f.explanation),
                recommendation: f.recommendation.as_deref().map(|r| masking.unmask(r)),
                ..f.clone()
            })
            .collect(),
    }
}
