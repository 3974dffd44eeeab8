//! The built-in analyzer's thresholds (`CLUSTERGENIE_DIAG_THRESHOLD_*`): each one a
//! setting with the analyzer's default, checked together (a warning level below its
//! critical one) so a bad value stops start-up with one line naming it.

use super::sources::variable_for;
use super::{ConfigError, Settings};
use command::diagnosis::Thresholds;

fn bad(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        name: variable_for(key),
        reason: reason.into(),
    }
}

/// `value` lies in `low..=high`.
fn between(key: &str, value: f64, low: f64, high: f64, unit: &str) -> Result<(), ConfigError> {
    if value.is_finite() && (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(bad(key, format!("must be {low}–{high}{unit}, got {value}")))
    }
}

impl Settings {
    /// The analyzer's thresholds, as configured and checked.
    pub fn thresholds(&self) -> Result<Thresholds, ConfigError> {
        let t = Thresholds {
            cpu_warning: self.diag_threshold_cpu_warning,
            cpu_critical: self.diag_threshold_cpu_critical,
            memory_warning: self.diag_threshold_memory_warning,
            memory_critical: self.diag_threshold_memory_critical,
            sustained_share: self.diag_threshold_sustained_share,
            disk_critical: self.diag_threshold_disk_critical,
            disk_full_hours: self.diag_threshold_disk_full_hours,
            transfer_share: self.diag_threshold_transfer_share,
            provisioning_minutes: self.diag_threshold_provisioning_minutes,
            flapping_changes: self.diag_threshold_flapping_changes,
            repeated_failures: self.diag_threshold_repeated_failures,
        };
        for (key, value) in [
            ("diag_threshold_cpu_warning", t.cpu_warning),
            ("diag_threshold_cpu_critical", t.cpu_critical),
            ("diag_threshold_memory_warning", t.memory_warning),
            ("diag_threshold_memory_critical", t.memory_critical),
            ("diag_threshold_disk_critical", t.disk_critical),
        ] {
            between(key, value, 1.0, 100.0, " percent")?;
        }
        for (key, value) in [
            ("diag_threshold_sustained_share", t.sustained_share),
            ("diag_threshold_transfer_share", t.transfer_share),
        ] {
            between(key, value, 0.01, 1.0, " (a share of 1)")?;
        }
        between(
            "diag_threshold_disk_full_hours",
            t.disk_full_hours,
            1.0,
            8760.0,
            " hours",
        )?;
        between(
            "diag_threshold_provisioning_minutes",
            t.provisioning_minutes,
            1.0,
            1440.0,
            " minutes",
        )?;
        for (key, value, low) in [
            ("diag_threshold_flapping_changes", t.flapping_changes, 2),
            ("diag_threshold_repeated_failures", t.repeated_failures, 2),
        ] {
            if !(low..=100).contains(&value) {
                return Err(bad(key, format!("must be {low}–100, got {value}")));
            }
        }
        for (warning, critical, w, c) in [
            (
                "diag_threshold_cpu_warning",
                "diag_threshold_cpu_critical",
                t.cpu_warning,
                t.cpu_critical,
            ),
            (
                "diag_threshold_memory_warning",
                "diag_threshold_memory_critical",
                t.memory_warning,
                t.memory_critical,
            ),
        ] {
            if w >= c {
                return Err(bad(
                    warning,
                    format!("must be below {} ({c}), got {w}", variable_for(critical)),
                ));
            }
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(change: impl FnOnce(&mut Settings)) -> String {
        let mut s = Settings::default();
        change(&mut s);
        s.thresholds().unwrap_err().to_string()
    }

    #[test]
    fn the_defaults_are_the_analyzers() {
        assert_eq!(
            Settings::default().thresholds().unwrap(),
            Thresholds::default()
        );
    }

    #[test]
    fn a_value_out_of_range_or_a_warning_above_its_critical_is_named() {
        assert_eq!(
            refusal(|s| s.diag_threshold_cpu_warning = 120.0),
            "configuration error: CLUSTERGENIE_DIAG_THRESHOLD_CPU_WARNING: must be 1–100 percent, got 120"
        );
        assert_eq!(
            refusal(|s| s.diag_threshold_memory_warning = 97.0),
            "configuration error: CLUSTERGENIE_DIAG_THRESHOLD_MEMORY_WARNING: must be below \
             CLUSTERGENIE_DIAG_THRESHOLD_MEMORY_CRITICAL (95), got 97"
        );
        assert!(refusal(|s| s.diag_threshold_sustained_share = 0.0)
            .starts_with("configuration error: CLUSTERGENIE_DIAG_THRESHOLD_SUSTAINED_SHARE: "));
        assert!(refusal(|s| s.diag_threshold_disk_full_hours = f64::NAN)
            .starts_with("configuration error: CLUSTERGENIE_DIAG_THRESHOLD_DISK_FULL_HOURS: "));
        assert!(refusal(|s| s.diag_threshold_flapping_changes = 1)
            .starts_with("configuration error: CLUSTERGENIE_DIAG_THRESHOLD_FLAPPING_CHANGES: "));
    }
}
