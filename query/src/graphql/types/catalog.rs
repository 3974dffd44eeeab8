//! `Catalog`: the regions, sizes and images droplets can be created with.

use async_graphql::SimpleObject;

/// A datacenter region.
#[derive(SimpleObject, Clone, Debug)]
pub struct CatalogRegion {
    pub slug: String,
    pub name: String,
}

/// A droplet size.
#[derive(SimpleObject, Clone, Debug)]
pub struct CatalogSize {
    pub slug: String,
    pub vcpus: i32,
    pub memory_mb: i32,
    pub disk_gb: i32,
    pub price_monthly: f64,
    /// Outbound transfer included per month, in GB.
    pub transfer_gb_monthly: i32,
}

/// An image.
#[derive(SimpleObject, Clone, Debug)]
pub struct CatalogImage {
    pub slug: String,
    pub name: String,
    pub distribution: String,
    /// Past its end of life: no security updates (a diagnosis flags droplets running it).
    pub deprecated: bool,
}

/// What droplets can be created with.
#[derive(SimpleObject, Clone, Debug)]
pub struct Catalog {
    pub regions: Vec<CatalogRegion>,
    pub sizes: Vec<CatalogSize>,
    pub images: Vec<CatalogImage>,
}

impl Catalog {
    /// The built-in catalog.
    pub fn load() -> Self {
        let c = schema::Catalog;
        Self {
            regions: c
                .regions()
                .iter()
                .map(|r| CatalogRegion {
                    slug: r.slug.into(),
                    name: r.name.into(),
                })
                .collect(),
            sizes: c
                .sizes()
                .iter()
                .map(|s| CatalogSize {
                    slug: s.slug.into(),
                    vcpus: s.vcpus as i32,
                    memory_mb: s.memory_mb as i32,
                    disk_gb: s.disk_gb as i32,
                    price_monthly: s.price_monthly,
                    transfer_gb_monthly: s.transfer_gb_monthly as i32,
                })
                .collect(),
            images: c
                .images()
                .iter()
                .map(|i| CatalogImage {
                    slug: i.slug.into(),
                    name: i.name.into(),
                    distribution: i.distribution.into(),
                    deprecated: i.deprecated,
                })
                .collect(),
        }
    }
}
