//! What the projector tests share: a fresh SQLite database with the command side over it.
#![allow(dead_code)]

use command::handlers::{CreateCluster, CreateDroplet};
use command::{Commands, Db, EventStore, JobSettings, RequestContext};
use schema::{ClusterName, DropletName, Image, Region, Size};
use std::sync::Arc;

/// A fresh database, its event store, the command handlers and a caller.
pub struct Fixture {
    pub db: Db,
    pub store: EventStore,
    pub commands: Commands,
    pub ctx: RequestContext,
}

impl Fixture {
    /// A new database in a fresh temporary directory.
    pub async fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("cg-{name}-{}", uuid::Uuid::new_v4()));
        let db = Db::sqlite(&dir).await.unwrap();
        let store = EventStore::new(db.clone());
        let commands = Commands::new(
            store.clone(),
            JobSettings::default(),
            Arc::new(tokio::sync::Notify::new()),
        );
        Self {
            db,
            store,
            commands,
            ctx: RequestContext::new("tester"),
        }
    }

    /// Creates a cluster in nyc1; returns its id.
    pub async fn cluster(&self, name: &str) -> String {
        let input = CreateCluster::new(ClusterName::parse(name).unwrap(), nyc1());
        let created = self.commands.create_cluster(&self.ctx, input).await;
        created.unwrap().value.to_string()
    }

    /// Creates a droplet in nyc1, optionally in a cluster; returns its provisioning job's id.
    pub async fn droplet(&self, name: &str, cluster_id: Option<&str>) -> String {
        let mut input = CreateDroplet::new(
            DropletName::parse(name).unwrap(),
            nyc1(),
            Size::parse("s-1vcpu-1gb").unwrap(),
            Image::parse("debian-12-x64").unwrap(),
        );
        input.cluster_id = cluster_id.map(|c| c.parse().unwrap());
        let created = self.commands.create_droplet(&self.ctx, input).await;
        created.unwrap().value.job_id.to_string()
    }
}

fn nyc1() -> Region {
    Region::parse("nyc1").unwrap()
}
