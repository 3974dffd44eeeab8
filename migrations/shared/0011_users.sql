-- Users and API tokens. `users` and `api_tokens` are read models of the User and ApiToken
-- aggregates, rebuilt from events like the others. `credentials` is not: it holds the
-- secret material no event may carry (argon2 password hashes, SHA-256 hashes of API-token
-- secrets), written in the transaction that appends the event which sets it, and read only
-- to verify a sign-in. `replay` leaves it alone. `auth_keys` keeps the JWT signing secret a
-- server generates on first start when CLUSTERGENIE_AUTH_SECRET is not set, so sessions
-- survive restarts.
CREATE TABLE IF NOT EXISTS users
(
    id            TEXT   PRIMARY KEY,
    ordinal       BIGINT NOT NULL,
    username      TEXT   NOT NULL,
    role          TEXT   NOT NULL,
    status        TEXT   NOT NULL,
    token_version BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    created_us    BIGINT NOT NULL,
    updated_us    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_ordinal ON users (ordinal);
CREATE INDEX IF NOT EXISTS users_status ON users (status, ordinal);

CREATE TABLE IF NOT EXISTS api_tokens
(
    id            TEXT   PRIMARY KEY,
    ordinal       BIGINT NOT NULL,
    user_id       TEXT   NOT NULL,
    name          TEXT   NOT NULL,
    status        TEXT   NOT NULL,
    expires_us    BIGINT,
    version       BIGINT NOT NULL,
    created_us    BIGINT NOT NULL,
    updated_us    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS api_tokens_ordinal ON api_tokens (ordinal);
CREATE INDEX IF NOT EXISTS api_tokens_user ON api_tokens (user_id, ordinal);

CREATE TABLE IF NOT EXISTS credentials
(
    principal_id TEXT   PRIMARY KEY,
    kind         TEXT   NOT NULL,
    secret_hash  TEXT   NOT NULL,
    updated_us   BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS auth_keys
(
    name       TEXT   PRIMARY KEY,
    secret     TEXT   NOT NULL,
    created_us BIGINT NOT NULL
);
