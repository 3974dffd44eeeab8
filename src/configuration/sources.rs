//! Where settings come from: defaults, then a TOML file, then `CLUSTERGENIE_*` and the
//! conventional variables, then command-line flags; and the variable each key is read from.

use super::{ConfigError, Settings};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::Serialize;
use std::path::PathBuf;

/// Overrides given as command-line flags (`clustergenie --listen …`); the last source, so
/// a flag beats every variable and the file.
#[derive(Debug, Clone, Default, Serialize, clap::Args)]
pub struct FlagOverrides {
    /// Address to listen on (CLUSTERGENIE_LISTEN).
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// Data directory for the embedded database (CLUSTERGENIE_DATA_DIR).
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// Postgres URL (DATABASE_URL).
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// Job runners (CLUSTERGENIE_WORKER_COUNT).
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_count: Option<usize>,
    /// Job queue capacity (CLUSTERGENIE_WORKER_QUEUE).
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_queue: Option<usize>,
    /// Simulated provisioning time in seconds (CLUSTERGENIE_PROVISION_SECONDS).
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provision_seconds: Option<f64>,
}

/// Conventional variables read without the `CLUSTERGENIE_` prefix, and their keys. When both
/// forms are set (`KAFKA_BROKERS` and `CLUSTERGENIE_KAFKA_BROKERS`), the conventional one wins.
const CONVENTIONAL: &[(&str, &str)] = &[
    ("DATABASE_URL", "database_url"),
    ("KAFKA_BROKERS", "kafka_brokers"),
    ("REDIS_URL", "redis_url"),
    ("OTEL_EXPORTER_OTLP_ENDPOINT", "otel_exporter_otlp_endpoint"),
];

/// The variable `key` is read from, as errors name it.
pub(super) fn variable_for(key: &str) -> String {
    CONVENTIONAL
        .iter()
        .find(|(_, k)| *k == key)
        .map(|(v, _)| v.to_string())
        .unwrap_or_else(|| format!("CLUSTERGENIE_{}", key.to_uppercase()))
}

impl Settings {
    /// Loads settings from `file` (or `CLUSTERGENIE_CONFIG`, or `clustergenie.toml` if present),
    /// the environment and the flags, then validates them.
    pub fn load(file: Option<PathBuf>, flags: FlagOverrides) -> Result<Self, ConfigError> {
        let file = file
            .or_else(|| std::env::var_os("CLUSTERGENIE_CONFIG").map(PathBuf::from))
            .or_else(|| Some(PathBuf::from("clustergenie.toml")).filter(|p| p.exists()));
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = &file {
            if !path.exists() {
                return Err(ConfigError {
                    name: "CLUSTERGENIE_CONFIG".into(),
                    reason: format!("file {} does not exist", path.display()),
                });
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment
            .merge(Env::prefixed("CLUSTERGENIE_").ignore(&["config"]))
            .merge(
                Env::raw()
                    .only(&CONVENTIONAL.iter().map(|(v, _)| *v).collect::<Vec<_>>())
                    .map(|k| {
                        let k = k.as_str().to_ascii_uppercase();
                        CONVENTIONAL
                            .iter()
                            .find(|(v, _)| *v == k)
                            .map(|(_, key)| (*key).into())
                            .unwrap_or_else(|| k.to_lowercase().into())
                    }),
            )
            .merge(Serialized::defaults(flags));
        let mut settings: Settings = figment.extract().map_err(|e| {
            let key = e.path.join(".");
            let from_env = e
                .metadata
                .as_ref()
                .is_some_and(|m| m.name.contains("environment"));
            let name = if key.is_empty() {
                "configuration".to_string()
            } else if from_env {
                variable_for(&key)
            } else if let Some(m) = &e.metadata {
                format!("{key} (from {})", m.name)
            } else {
                key
            };
            ConfigError {
                name,
                reason: e.kind.to_string(),
            }
        })?;
        // An empty endpoint means "not set", as in every OpenTelemetry SDK.
        settings.otel_exporter_otlp_endpoint = settings
            .otel_exporter_otlp_endpoint
            .filter(|e| !e.trim().is_empty());
        settings.read_llm_api_key_file()?;
        settings.validate()?;
        Ok(settings)
    }
}
