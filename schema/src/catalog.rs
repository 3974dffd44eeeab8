//! The catalog of regions, sizes and images a droplet can be created with.
//!
//! Inputs are checked against it at the edge, so a handler never sees an unknown slug.

use crate::values::ValueError;
use serde::{Deserialize, Serialize};

/// A datacenter region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RegionInfo {
    /// Stable short name, e.g. `nyc1`.
    pub slug: &'static str,
    /// Human name.
    pub name: &'static str,
}

/// A droplet size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SizeInfo {
    /// Stable short name, e.g. `s-1vcpu-1gb`.
    pub slug: &'static str,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Memory in MiB.
    pub memory_mb: u32,
    /// Disk in GiB.
    pub disk_gb: u32,
    /// Monthly price in US dollars.
    pub price_monthly: f64,
    /// Outbound data transfer included per month, in GB (beyond it, traffic is billed).
    pub transfer_gb_monthly: u32,
}

/// An operating-system image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImageInfo {
    /// Stable short name, e.g. `ubuntu-24-04-x64`.
    pub slug: &'static str,
    /// Human name.
    pub name: &'static str,
    /// Distribution family.
    pub distribution: &'static str,
    /// Past its distribution's end of life: no security updates; new droplets should not
    /// use it.
    pub deprecated: bool,
}

/// Every region droplets can run in.
pub const REGIONS: &[RegionInfo] = &[
    RegionInfo {
        slug: "nyc1",
        name: "New York 1",
    },
    RegionInfo {
        slug: "sfo3",
        name: "San Francisco 3",
    },
    RegionInfo {
        slug: "ams3",
        name: "Amsterdam 3",
    },
    RegionInfo {
        slug: "fra1",
        name: "Frankfurt 1",
    },
    RegionInfo {
        slug: "sgp1",
        name: "Singapore 1",
    },
    RegionInfo {
        slug: "lon1",
        name: "London 1",
    },
    RegionInfo {
        slug: "blr1",
        name: "Bangalore 1",
    },
    RegionInfo {
        slug: "tor1",
        name: "Toronto 1",
    },
];

/// Every droplet size, smallest first.
pub const SIZES: &[SizeInfo] = &[
    SizeInfo {
        slug: "s-1vcpu-1gb",
        vcpus: 1,
        memory_mb: 1024,
        disk_gb: 25,
        price_monthly: 6.0,
        transfer_gb_monthly: 1000,
    },
    SizeInfo {
        slug: "s-1vcpu-2gb",
        vcpus: 1,
        memory_mb: 2048,
        disk_gb: 50,
        price_monthly: 12.0,
        transfer_gb_monthly: 2000,
    },
    SizeInfo {
        slug: "s-2vcpu-2gb",
        vcpus: 2,
        memory_mb: 2048,
        disk_gb: 60,
        price_monthly: 18.0,
        transfer_gb_monthly: 3000,
    },
    SizeInfo {
        slug: "s-2vcpu-4gb",
        vcpus: 2,
        memory_mb: 4096,
        disk_gb: 80,
        price_monthly: 24.0,
        transfer_gb_monthly: 4000,
    },
    SizeInfo {
        slug: "s-4vcpu-8gb",
        vcpus: 4,
        memory_mb: 8192,
        disk_gb: 160,
        price_monthly: 48.0,
        transfer_gb_monthly: 5000,
    },
    SizeInfo {
        slug: "s-8vcpu-16gb",
        vcpus: 8,
        memory_mb: 16384,
        disk_gb: 320,
        price_monthly: 96.0,
        transfer_gb_monthly: 6000,
    },
];

/// The image that the simulated provider always fails to boot, to exercise failure handling.
pub const ALWAYS_FAILING_IMAGE: &str = "broken-boot-x64";

/// Every image droplets can boot.
pub const IMAGES: &[ImageInfo] = &[
    ImageInfo {
        slug: "ubuntu-24-04-x64",
        name: "Ubuntu 24.04 LTS",
        distribution: "Ubuntu",
        deprecated: false,
    },
    ImageInfo {
        slug: "ubuntu-22-04-x64",
        name: "Ubuntu 22.04 LTS",
        distribution: "Ubuntu",
        deprecated: false,
    },
    ImageInfo {
        slug: "debian-12-x64",
        name: "Debian 12",
        distribution: "Debian",
        deprecated: false,
    },
    ImageInfo {
        slug: "fedora-40-x64",
        name: "Fedora 40",
        distribution: "Fedora",
        deprecated: true,
    },
    ImageInfo {
        slug: ALWAYS_FAILING_IMAGE,
        name: "Broken boot (always fails; for testing failure handling)",
        distribution: "Test",
        deprecated: false,
    },
];

macro_rules! slug_type {
    ($(#[$doc:meta])* $name:ident, $table:ident, $info:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Parses a slug, accepting only what the catalog lists.
            pub fn parse(raw: &str) -> Result<Self, ValueError> {
                let s = raw.trim();
                if $table.iter().any(|r| r.slug == s) {
                    Ok(Self(s.to_string()))
                } else {
                    let known: Vec<&str> = $table.iter().map(|r| r.slug).collect();
                    Err(ValueError::new(
                        $field,
                        format!("unknown {} {}; known: {}", $field, crate::values::excerpt(s), known.join(", ")),
                    ))
                }
            }
            /// The slug as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The catalog entry.
            pub fn info(&self) -> &'static $info {
                $table
                    .iter()
                    .find(|r| r.slug == self.0)
                    .expect("parsed slugs are in the catalog")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slug_type!(
    /// A region slug known to the catalog.
    Region, REGIONS, RegionInfo, "region"
);
slug_type!(
    /// A size slug known to the catalog.
    Size, SIZES, SizeInfo, "size"
);
slug_type!(
    /// An image slug known to the catalog.
    Image, IMAGES, ImageInfo, "image"
);

/// The whole catalog, as served by the `catalog` query.
#[derive(Debug, Clone, Copy)]
pub struct Catalog;

impl Catalog {
    /// All regions.
    pub fn regions(&self) -> &'static [RegionInfo] {
        REGIONS
    }
    /// All sizes.
    pub fn sizes(&self) -> &'static [SizeInfo] {
        SIZES
    }
    /// All images.
    pub fn images(&self) -> &'static [ImageInfo] {
        IMAGES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_and_rejects_unknown_slugs() {
        assert_eq!(Region::parse("nyc1").unwrap().as_str(), "nyc1");
        let err = Region::parse("mars1").unwrap_err();
        assert!(err.reason.contains("unknown region"), "{err}");
        assert_eq!(Size::parse("s-8vcpu-16gb").unwrap().info().vcpus, 8);
        assert!(Image::parse("windows-95").is_err());
        assert!(Image::parse("fedora-40-x64").unwrap().info().deprecated);
    }
}
