# syntax=docker/dockerfile:1
#
# ClusterGenie: one image, every role. `docker build -t clustergenie:local .`
#   docker run -p 8080:8080 clustergenie:local            # serve: everything in one process, SQLite
#   docker run ... clustergenie:local api|relay|projector|worker   # distributed roles (see docker-compose.yml)

# ---- 1. The web console (web/dist), embedded into the binary by the `query` crate.
# Debian bookworm's nodejs is 18.19, older than the console's tool chain accepts
# (vite needs ^20.19 || >=22.12), so the console is built on the official Node image
# and copied into the Rust builder.
FROM node:22-bookworm-slim AS console
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build && test -f dist/index.html

# ---- 2. The binary.
FROM rust:1-bookworm AS builder
# rdkafka builds its bundled librdkafka (configure + make, zlib); cmake and python3 are
# used by some of its build paths. No OpenSSL: the Kafka client is plaintext only.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       build-essential cmake pkg-config zlib1g-dev python3 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
COPY --from=console /src/web/dist ./web/dist
# The console is already built (stage 1): query/build.rs must not try npm here.
ENV CLUSTERGENIE_SKIP_CONSOLE_BUILD=1
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin clustergenie \
    && install -m 0755 target/release/clustergenie /usr/local/bin/clustergenie

# ---- 3. Runtime.
FROM debian:bookworm-slim
# curl only for the HEALTHCHECK below.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 clustergenie \
    && useradd --system --uid 10001 --gid clustergenie --home-dir /var/lib/clustergenie \
       --create-home --shell /usr/sbin/nologin clustergenie
COPY --from=builder /usr/local/bin/clustergenie /usr/local/bin/clustergenie
WORKDIR /var/lib/clustergenie
USER clustergenie:clustergenie
# The default listen address is loopback; in a container it must be every interface.
# The SQLite data directory (used only without DATABASE_URL) is the user's home.
ENV CLUSTERGENIE_LISTEN=0.0.0.0:8080 \
    CLUSTERGENIE_DATA_DIR=/var/lib/clustergenie/data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["clustergenie"]
CMD ["serve"]
