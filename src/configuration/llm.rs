//! The model backend's settings (`CLUSTERGENIE_LLM_*`): any OpenAI-compatible server for
//! diagnoses. Unset base URL and model mean the built-in analyzer alone; the key comes from
//! `CLUSTERGENIE_LLM_API_KEY` or is read once at start from `CLUSTERGENIE_LLM_API_KEY_FILE`,
//! and is never printed (its type shows `***`).

use super::sources::variable_for;
use super::{ConfigError, Settings};
use command::diagnosis::model::{ApiKey, ModelSettings};
use std::time::Duration;

fn bad(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        name: variable_for(key),
        reason: reason.into(),
    }
}

/// A value that is set and not blank.
fn set(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl Settings {
    /// Reads the key file, once, into `llm_api_key` (at load, before validation).
    pub(super) fn read_llm_api_key_file(&mut self) -> Result<(), ConfigError> {
        let Some(path) = self
            .llm_api_key_file
            .as_ref()
            .filter(|p| !p.as_os_str().is_empty())
        else {
            return Ok(());
        };
        if self.llm_api_key.as_ref().is_some_and(|k| !k.is_empty()) {
            return Err(bad(
                "llm_api_key_file",
                "set either CLUSTERGENIE_LLM_API_KEY or CLUSTERGENIE_LLM_API_KEY_FILE, not both",
            ));
        }
        let key = std::fs::read_to_string(path).map_err(|e| {
            bad(
                "llm_api_key_file",
                format!("cannot read {}: {}", path.display(), e.kind()),
            )
        })?;
        self.llm_api_key = Some(ApiKey::new(key));
        Ok(())
    }

    /// The model backend's settings, or `None` when no model is configured (neither
    /// `CLUSTERGENIE_LLM_BASE_URL` nor `CLUSTERGENIE_LLM_MODEL` set).
    pub fn model_settings(&self) -> Result<Option<ModelSettings>, ConfigError> {
        let (base_url, model) = match (set(&self.llm_base_url), set(&self.llm_model)) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err(bad(
                    "llm_model",
                    "must be set with CLUSTERGENIE_LLM_BASE_URL (the model to ask, e.g. gpt-4o-mini or llama3.1)",
                ))
            }
            (None, Some(_)) => {
                return Err(bad(
                    "llm_base_url",
                    "must be set with CLUSTERGENIE_LLM_MODEL (the API root, e.g. http://127.0.0.1:11434/v1)",
                ))
            }
            (Some(url), Some(model)) => (url, model),
        };
        let mut settings =
            ModelSettings::new(base_url, model, self.llm_api_key.clone()).map_err(|e| match e {
                command::diagnosis::model::ModelSettingsError::BadModel => {
                    bad("llm_model", e.to_string())
                }
                _ => bad("llm_base_url", e.to_string()),
            })?;
        settings.timeout = Duration::from_secs_f64(self.llm_timeout_seconds);
        settings.max_tokens = self.llm_max_tokens;
        Ok(Some(settings))
    }

    /// Checks every model setting.
    pub(super) fn validate_llm(&self) -> Result<(), ConfigError> {
        let timeout = self.llm_timeout_seconds;
        if !(timeout.is_finite() && (1.0..=3600.0).contains(&timeout)) {
            return Err(bad(
                "llm_timeout_seconds",
                format!("must be 1–3600 seconds, got {timeout}"),
            ));
        }
        if !(1..=1_000_000).contains(&self.llm_max_tokens) {
            return Err(bad(
                "llm_max_tokens",
                format!("must be 1–1000000 tokens, got {}", self.llm_max_tokens),
            ));
        }
        self.model_settings().map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(change: impl FnOnce(&mut Settings)) -> Settings {
        let mut s = Settings::default();
        change(&mut s);
        s
    }

    #[test]
    fn no_model_is_the_default_and_a_full_one_is_built() {
        assert_eq!(Settings::default().model_settings().unwrap(), None);
        Settings::default().validate_llm().unwrap();
        let s = with(|s| {
            s.llm_base_url = Some("http://127.0.0.1:11434/v1".into());
            s.llm_model = Some("llama3.1".into());
            s.llm_api_key = Some(ApiKey::new("sk-test-key"));
            s.llm_timeout_seconds = 5.0;
        });
        let model = s.model_settings().unwrap().unwrap();
        assert_eq!(model.model(), "llama3.1");
        assert_eq!(model.timeout, Duration::from_secs(5));
        assert_eq!(model.max_tokens, 2048);
        assert!(!format!("{s:?}").contains("sk-test-key"));
    }

    #[test]
    fn bad_values_name_their_variable() {
        let refusal = |s: Settings| s.validate_llm().unwrap_err().to_string();
        assert_eq!(
            refusal(with(|s| s.llm_base_url = Some("http://h/v1".into()))),
            "configuration error: CLUSTERGENIE_LLM_MODEL: must be set with CLUSTERGENIE_LLM_BASE_URL (the model to ask, e.g. gpt-4o-mini or llama3.1)"
        );
        assert!(refusal(with(|s| {
            s.llm_base_url = Some("localhost:11434".into());
            s.llm_model = Some("m".into());
        }))
        .starts_with("configuration error: CLUSTERGENIE_LLM_BASE_URL: must be an http://"));
        assert!(refusal(with(|s| s.llm_timeout_seconds = 0.0))
            .starts_with("configuration error: CLUSTERGENIE_LLM_TIMEOUT_SECONDS: "));
        assert!(refusal(with(|s| s.llm_max_tokens = 0))
            .starts_with("configuration error: CLUSTERGENIE_LLM_MAX_TOKENS: "));
    }

    #[test]
    fn the_key_file_is_read_once_and_a_missing_one_is_one_line() {
        let dir = std::env::temp_dir().join(format!("cg-llm-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("key");
        std::fs::write(&file, "sk-from-file\n").unwrap();
        let mut s = with(|s| s.llm_api_key_file = Some(file.clone()));
        s.read_llm_api_key_file().unwrap();
        assert_eq!(s.llm_api_key.as_ref().unwrap().expose(), "sk-from-file");
        let mut missing = with(|s| s.llm_api_key_file = Some(dir.join("absent")));
        let error = missing.read_llm_api_key_file().unwrap_err().to_string();
        assert!(
            error.starts_with("configuration error: CLUSTERGENIE_LLM_API_KEY_FILE: cannot read ")
                && error.ends_with("absent: entity not found")
                && !error.contains('\n'),
            "{error}"
        );
        let mut both = with(|s| {
            s.llm_api_key = Some(ApiKey::new("k"));
            s.llm_api_key_file = Some(file.clone());
        });
        assert!(both.read_llm_api_key_file().is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
