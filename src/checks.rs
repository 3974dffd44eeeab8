//! The `/health` checks of the dependencies only the binary knows about: the Kafka broker
//! (and a consumer's progress) and the relay's lock.

use bus::BusHealth;
use query::health::{HealthCheck, RoleHealth};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The broker connection (from the client's statistics) and the consumer's progress (from
/// its stall watchdog): degraded when the broker is down or the consumer has made no progress
/// for `CLUSTERGENIE_KAFKA_STALL_SECONDS` while messages wait.
pub fn broker_check(health: BusHealth) -> HealthCheck {
    Arc::new(move || {
        let status = health.status();
        let up = health.broker_up();
        let stalled = status.stalled.is_some();
        (
            up && !stalled,
            serde_json::json!({
                "status": if !up { "down" } else if stalled { "stalled" } else { "up" },
                "brokersUp": status.brokers_up,
                "brokersKnown": status.brokers_known,
                "consumerGroup": status.group,
                "consumerLag": status.consumer_lag,
                "memberLag": status.member_lag,
                "assignedPartitions": status.assigned_partitions,
                "groupState": status.group_state,
                "stalled": status.stalled,
                "lastError": status.last_error,
            }),
        )
    })
}

/// The relay: active (holds the lock, needs its broker) or standby (healthy as it is).
pub fn relay_check(active: Arc<AtomicBool>, health: BusHealth) -> HealthCheck {
    let broker = broker_check(health);
    Arc::new(move || {
        let active = active.load(Ordering::Relaxed);
        let (broker_ok, broker_detail) = broker();
        (
            !active || broker_ok,
            serde_json::json!({
                "status": if active { "active" } else { "standby" },
                "broker": broker_detail,
            }),
        )
    })
}

/// `health` with the broker check of a fresh [`BusHealth`], which the role's Kafka clients
/// then report to.
pub fn with_broker(health: RoleHealth) -> (RoleHealth, BusHealth) {
    let bus_health = BusHealth::default();
    let health = health.with_check("broker", broker_check(bus_health.clone()));
    (health, bus_health)
}
