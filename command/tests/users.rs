//! Users and API tokens on the write side, against real databases (SQLite and Postgres):
//! sign-in checks the event store and the credentials table, so a disabled user, a changed
//! password or a revoked token is refused from the commit on; and no password, hash or
//! token secret is stored in any event.

use chrono::{Duration, Utc};
use command::credentials::PasswordHashing;
use command::error::CommandError;
use command::handlers::{CommandOptions, CreateUser, UpdateUser};
use command::{Commands, Db, EventStore, JobSettings, RequestContext};
use schema::users::{Password, Role, TokenName, UserStatus, Username};
use std::sync::Arc;
use testkit::storage::{PostgresDatabase, TempDir};
use tokio::sync::Notify;

const PASSWORD: &str = "correct horse battery";

fn commands(db: Db) -> Commands {
    Commands::new(
        EventStore::new(db),
        JobSettings::default(),
        Arc::new(Notify::new()),
    )
    .with_password_hashing(PasswordHashing::for_tests())
}

fn new_user(name: &str, role: Role) -> CreateUser {
    CreateUser {
        username: Username::parse(name).unwrap(),
        password: Password::parse(PASSWORD).unwrap(),
        role,
    }
}

/// Every stored event as text: payload and metadata.
async fn stored_event_text(db: &Db) -> String {
    // `CAST … AS TEXT` reads Postgres' jsonb and SQLite's TEXT alike.
    let sql = "SELECT aggregate_type || ' ' || event_type || ' ' || CAST(payload AS TEXT) \
               || ' ' || CAST(metadata AS TEXT) FROM events";
    let rows: Vec<String> = command::on_pool!(db.writes(), p => {
        sqlx::query_scalar(sql).fetch_all(p).await.unwrap()
    });
    rows.join("\n")
}

async fn users_and_tokens(db: Db) {
    let commands = commands(db.clone());
    let admin = RequestContext::new("root");
    let alice = commands
        .create_user(&admin, new_user("Alice", Role::Operator))
        .await
        .unwrap()
        .value;
    // Names are unique ignoring case.
    let taken = commands
        .create_user(&admin, new_user("alice", Role::Viewer))
        .await;
    assert!(matches!(taken, Err(CommandError::Conflict(_))), "{taken:?}");
    assert_eq!(commands.user_count().await.unwrap(), 1);

    // Sign-in: the right password only; an unknown name looks the same as a wrong password.
    let signed_in = commands.verify_password("alice", PASSWORD).await.unwrap();
    let principal = signed_in.expect("alice signs in (name case ignored)");
    assert_eq!(principal.user_id, alice);
    assert_eq!(principal.user.username, "Alice");
    assert_eq!(principal.user.role, Role::Operator);
    assert!(commands
        .verify_password("Alice", "wrong password")
        .await
        .unwrap()
        .is_none());
    assert!(commands
        .verify_password("nobody", PASSWORD)
        .await
        .unwrap()
        .is_none());

    // An API token works until it is revoked; a wrong secret never does.
    let (token_id, issued) = commands
        .create_api_token(&admin, alice, TokenName::parse("ci").unwrap(), None)
        .await
        .unwrap()
        .value;
    let by_token = commands.verify_api_token(&issued.token).await.unwrap();
    assert_eq!(
        by_token.map(|p| (p.user_id, p.api_token)),
        Some((alice, Some(token_id)))
    );
    let mut forged = issued.token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    assert!(commands.verify_api_token(&forged).await.unwrap().is_none());
    let past = commands
        .create_api_token(
            &admin,
            alice,
            TokenName::parse("old").unwrap(),
            Some(Utc::now() - Duration::seconds(1)),
        )
        .await;
    assert!(matches!(past, Err(CommandError::BadInput(_))), "{past:?}");

    // A role change ends sessions issued before it (the token version moves on).
    let before = commands.user(alice).await.unwrap().unwrap().token_version;
    let update = UpdateUser {
        role: Some(Role::Viewer),
        ..UpdateUser::default()
    };
    commands
        .update_user(&admin, alice, update, CommandOptions::default())
        .await
        .unwrap();
    let after = commands.user(alice).await.unwrap().unwrap();
    assert_eq!(
        (after.role, after.token_version),
        (Role::Viewer, before + 1)
    );
    // The same role again records nothing.
    let again = UpdateUser {
        role: Some(Role::Viewer),
        ..UpdateUser::default()
    };
    let unchanged = commands
        .update_user(&admin, alice, again, CommandOptions::default())
        .await
        .unwrap();
    assert_eq!(unchanged.position, 0);

    // Disabled: neither password nor token works, at once.
    let disable = UpdateUser {
        disabled: Some(true),
        ..UpdateUser::default()
    };
    commands
        .update_user(&admin, alice, disable, CommandOptions::default())
        .await
        .unwrap();
    assert!(commands
        .verify_password("alice", PASSWORD)
        .await
        .unwrap()
        .is_none());
    assert!(commands
        .verify_api_token(&issued.token)
        .await
        .unwrap()
        .is_none());
    let refused = commands
        .create_api_token(&admin, alice, TokenName::parse("more").unwrap(), None)
        .await;
    assert!(
        matches!(refused, Err(CommandError::FailedPrecondition(_))),
        "{refused:?}"
    );

    // Enabled with a new password: the old one fails, the new one works; the token stays
    // dead (disabling ended it for good), a new one works until it is revoked.
    let enable = UpdateUser {
        disabled: Some(false),
        password: Some(Password::parse("a brand new passphrase").unwrap()),
        ..UpdateUser::default()
    };
    commands
        .update_user(&admin, alice, enable, CommandOptions::default())
        .await
        .unwrap();
    let state = commands.user(alice).await.unwrap().unwrap();
    assert_eq!(state.status, UserStatus::Active);
    assert!(commands
        .verify_password("alice", PASSWORD)
        .await
        .unwrap()
        .is_none());
    assert!(commands
        .verify_password("alice", "a brand new passphrase")
        .await
        .unwrap()
        .is_some());
    assert!(commands
        .verify_api_token(&issued.token)
        .await
        .unwrap()
        .is_none());
    let (token_id, issued) = commands
        .create_api_token(&admin, alice, TokenName::parse("ci 2").unwrap(), None)
        .await
        .unwrap()
        .value;
    assert!(commands
        .verify_api_token(&issued.token)
        .await
        .unwrap()
        .is_some());
    commands.revoke_api_token(&admin, token_id).await.unwrap();
    assert!(commands
        .verify_api_token(&issued.token)
        .await
        .unwrap()
        .is_none());
    let twice = commands.revoke_api_token(&admin, token_id).await.unwrap();
    assert_eq!(twice.position, 0, "revoking twice records nothing");

    // Disabled and a new password in one request: both happen, the password first.
    let both = UpdateUser {
        disabled: Some(true),
        password: Some(Password::parse("third passphrase here").unwrap()),
        ..UpdateUser::default()
    };
    commands
        .update_user(&admin, alice, both, CommandOptions::default())
        .await
        .unwrap();
    assert_eq!(
        commands.user(alice).await.unwrap().unwrap().status,
        UserStatus::Disabled
    );
    let missing = commands
        .update_user(
            &admin,
            schema::UserId::new(),
            UpdateUser::default(),
            CommandOptions::default(),
        )
        .await;
    assert!(
        matches!(missing, Err(CommandError::NotFound(_))),
        "{missing:?}"
    );

    // No secret material in any event; the events are there.
    let events = stored_event_text(&db).await;
    for event in [
        "UserCreated",
        "UserRoleChanged",
        "UserDisabled",
        "UserEnabled",
        "UserPasswordChanged",
        "ApiTokenCreated",
        "ApiTokenRevoked",
    ] {
        assert!(events.contains(event), "{event} missing from\n{events}");
    }
    let (_, secret) = command::credentials::parse_token(&issued.token).unwrap();
    let password_hash = commands
        .store()
        .secret_hash(&alice.to_string(), store::credentials::PASSWORD)
        .await
        .unwrap()
        .expect("a stored hash");
    assert!(password_hash.starts_with("$argon2id$"));
    let token_hash = commands
        .store()
        .secret_hash(&token_id.to_string(), store::credentials::API_TOKEN)
        .await
        .unwrap()
        .expect("a stored token hash");
    for needle in [
        PASSWORD,
        "a brand new passphrase",
        secret,
        &token_hash,
        &password_hash,
        "$argon2",
        "cg_",
    ] {
        assert!(!events.contains(needle), "an event holds {needle:?}");
    }
    // Neither does the `Debug` of what went into the append.
    let write = store::SecretWrite {
        principal_id: "x".into(),
        kind: store::credentials::PASSWORD,
        hash: password_hash.clone(),
    };
    assert!(!format!("{write:?}").contains(&password_hash));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_users_sign_in_until_disabled_and_no_event_holds_a_secret() {
    let dir = TempDir::new("clustergenie-users");
    let db = Db::sqlite(dir.path()).await.expect("a SQLite database");
    users_and_tokens(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_users_sign_in_until_disabled_and_no_event_holds_a_secret() {
    let database = PostgresDatabase::create("cg_test_users").await;
    let db = Db::postgres(database.url(), 4)
        .await
        .expect("a Postgres database");
    users_and_tokens(db).await;
}
