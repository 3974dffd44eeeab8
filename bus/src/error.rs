//! Why a part of distributed mode stopped: one error enum per part (Kafka client setup, the
//! consumers, a consumer's handler, the relay), so the binary can say what failed and how.

use rdkafka::error::KafkaError;
use thiserror::Error;

/// A Kafka client (producer, consumer, admin) could not be created or pointed at its topics.
#[derive(Debug, Error)]
pub enum SetupError {
    /// The client itself could not be created (bad configuration, no memory).
    #[error("cannot create the Kafka {client}")]
    Client {
        /// Which client: "producer", "consumer", "changes consumer", ...
        client: &'static str,
        /// What the client library said.
        #[source]
        source: KafkaError,
    },
    /// The consumer could not subscribe to, or assign itself, its partitions.
    #[error("cannot subscribe to the topics")]
    Subscribe(#[source] KafkaError),
    /// The event, dead-letter or changes topics could not be created.
    #[error("cannot create topics")]
    Topics(#[source] KafkaError),
}

impl SetupError {
    /// A `map_err` adapter for a client of kind `client`.
    pub fn client(client: &'static str) -> impl FnOnce(KafkaError) -> Self {
        move |source| Self::Client { client, source }
    }
}

/// A consumer-group member (projector, worker) or the changes reader (API) stopped.
#[derive(Debug, Error)]
pub enum ConsumerError {
    /// Its Kafka clients could not be set up.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// The offsets of a batch could not be put into a commit request.
    #[error("cannot build the offset commit")]
    Offsets(#[source] KafkaError),
}

/// A batch could not be applied by a consumer's handler; the batch is retried.
#[derive(Debug, Error)]
pub enum HandlerError {
    /// The read-model database refused or could not be reached.
    #[error("read-model database")]
    Database(#[from] sqlx::Error),
    /// The projector could not apply the batch.
    #[error(transparent)]
    Projector(#[from] projector::ProjectorError),
}

/// The relay stepped down (it retries) or cannot run at all.
#[derive(Debug, Error)]
pub enum RelayError {
    /// The relay publishes the Postgres event store only.
    #[error("the relay needs the Postgres event store (set DATABASE_URL)")]
    NotPostgres,
    /// Its Kafka clients could not be set up.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// The event store's database (lock, checkpoint, log tail) failed.
    #[error("relay database")]
    Database(#[from] sqlx::Error),
    /// The global event log could not be read.
    #[error("cannot read the event log")]
    ReadLog(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The connection holding the active-relay lock is gone, and with it the lock.
    #[error("lost the relay lock's connection")]
    LostLock(#[source] sqlx::Error),
    /// The checkpoint could not be written after a confirmed batch.
    #[error("cannot save the relay checkpoint")]
    SaveCheckpoint(#[source] sqlx::Error),
    /// A topic's metadata could not be read.
    #[error("cannot read metadata of {topic}")]
    Metadata {
        /// The topic.
        topic: String,
        /// What the broker said.
        #[source]
        source: KafkaError,
    },
    /// A topic exists without partitions.
    #[error("topic {topic} has no partitions")]
    NoPartitions {
        /// The topic.
        topic: String,
    },
    /// A partition's watermarks could not be read.
    #[error("cannot read watermarks of {topic}/{partition}")]
    Watermarks {
        /// The topic.
        topic: String,
        /// The partition.
        partition: i32,
        /// What the broker said.
        #[source]
        source: KafkaError,
    },
    /// A partition's last message could not be read, or not in time.
    #[error("cannot read a partition's last message")]
    Tail(#[source] KafkaError),
    /// Not every partition's last message arrived within the deadline.
    #[error("timed out reading the last message of every partition")]
    TailTimeout,
    /// Assigning partitions to the tail reader failed.
    #[error("cannot assign the partitions to read their last messages")]
    Assign(#[source] KafkaError),
    /// An envelope could not be serialised.
    #[error("cannot encode an envelope")]
    Encode(#[from] serde_json::Error),
    /// The producer's queue refused a message.
    #[error("cannot enqueue a message")]
    Enqueue(#[source] KafkaError),
    /// The broker did not confirm a batch in time.
    #[error("the broker did not confirm a batch within {seconds} s; reconnecting")]
    DeliveryTimeout {
        /// The deadline, in seconds.
        seconds: u64,
    },
    /// The broker refused a message of the batch.
    #[error("delivery failed")]
    DeliveryFailed(#[source] KafkaError),
    /// The producer dropped a message of the batch before an answer.
    #[error("delivery was cancelled")]
    DeliveryCancelled,
    /// A blocking metadata task panicked or was cancelled.
    #[error("a broker metadata task did not finish")]
    Task(#[from] tokio::task::JoinError),
}
