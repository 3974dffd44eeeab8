//! `clustergenie users create|list`: the first admin is created from the command line,
//! without a server, with the password from a file; the user is an event in the audit log
//! (actor `system:cli`) that holds no password, and the server projects it.

use crate::helpers::{spawn_app_on, Backend, Storage};
use crate::on_both_backends;
use serde_json::json;
use std::time::Duration;

const PASSWORD: &str = "first admin's passphrase";

async fn users_are_created_from_the_command_line(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let file = storage.data_dir.join("admin-password");
    std::fs::write(&file, format!("{PASSWORD}\nignored second line\n")).unwrap();
    let file = file.to_str().unwrap();

    let out = storage.run_cli(&[
        "users",
        "create",
        "Root",
        "--role",
        "admin",
        "--password-file",
        file,
    ]);
    assert!(
        out.starts_with("created user Root (ADMIN) with id "),
        "{out}"
    );
    let id = out.trim().rsplit(' ').next().unwrap().to_string();

    // Refused with one clear line each: a taken name (ignoring case), an unknown role, a
    // short password; nothing is created.
    for (args, says) in [
        (
            vec!["users", "create", "root", "--password-file", file],
            "user name \"root\" is already taken",
        ),
        (
            vec![
                "users",
                "create",
                "ops",
                "--role",
                "boss",
                "--password-file",
                file,
            ],
            "--role must be admin, operator or viewer",
        ),
        (
            vec!["users", "create", "system", "--password-file", file],
            "reserved",
        ),
    ] {
        let output = storage.command(&args).output().unwrap();
        assert!(!output.status.success(), "{args:?} succeeded");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!stderr.contains(PASSWORD), "{stderr}");
    }
    let list = storage.run_cli(&["users", "list"]);
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(
        list.contains(&id)
            && list.contains("Root")
            && list.contains("ADMIN")
            && list.contains("ACTIVE"),
        "{list}"
    );

    // The server shows the user's creation in the audit log, without the password, and
    // its read model has the row.
    let app = spawn_app_on(storage, |_| {}).await;
    // A fresh server projects what the command line appended as it starts: wait for it.
    let (page, nodes) = testkit::wait::until(
        "the CLI's UserCreated in the audit log",
        Duration::from_secs(30),
        || async {
            let page = app
                .gql(
                    "query($f: EventFilter) { events(first: 10, filter: $f) { nodes { type actor aggregateId payload } } }",
                    json!({ "f": { "aggregateType": "User" } }),
                )
                .await;
            let nodes = page["data"]["events"]["nodes"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if nodes.is_empty() {
                Err(page.to_string())
            } else {
                Ok((page, nodes))
            }
        },
    )
    .await;
    assert_eq!(nodes.len(), 1, "{page}");
    assert_eq!(nodes[0]["type"], "UserCreated");
    assert_eq!(nodes[0]["actor"], "system:cli");
    assert_eq!(nodes[0]["aggregateId"], json!(id));
    assert_eq!(
        nodes[0]["payload"],
        json!({ "username": "Root", "role": "ADMIN" })
    );
    assert!(!page.to_string().contains(PASSWORD));
    let db = app.storage.db().await;
    let reads = projector::ReadModels::new(db.clone());
    let dump = testkit::wait::until(
        "the users row",
        std::time::Duration::from_secs(30),
        || async {
            let dump = reads.dump().await.map_err(|e| e.to_string())?;
            match dump
                .iter()
                .any(|l| l.starts_with("users: ") && l.contains(&id))
            {
                true => Ok(dump),
                false => Err(format!("{dump:?}")),
            }
        },
    )
    .await;
    let row = dump.iter().find(|l| l.starts_with("users: ")).unwrap();
    assert!(row.contains("ADMIN"), "{row}");
    assert!(dump.iter().all(|l| !l.contains("argon2")), "{dump:?}");
    db.close().await;
    app.stop().await;
}
on_both_backends!(users_are_created_from_the_command_line);

/// `CLUSTERGENIE_ADMIN_PASSWORD` creates the user `admin` at the first start only; a bad one
/// is one clear line at start.
async fn the_first_start_creates_admin_from_the_environment(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let app = spawn_app_on(storage, |s| s.admin_password = Some(PASSWORD.into())).await;
    let storage = app.stop().await;
    let app = spawn_app_on(storage, |s| {
        s.admin_password = Some("another passphrase".into())
    })
    .await;
    let storage = app.stop().await;
    let list = storage.run_cli(&["users", "list"]);
    assert_eq!(list.lines().count(), 1, "created once: {list}");
    assert!(list.contains(" admin ") && list.contains("ADMIN"), "{list}");
    let events: Vec<serde_json::Value> = storage
        .run_cli(&["events", "--type", "UserCreated"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["metadata"]["actor"], "system:bootstrap");
    assert!(!events[0].to_string().contains(PASSWORD));

    let output = storage
        .command(&["users", "list"])
        .env("CLUSTERGENIE_ADMIN_PASSWORD", "short")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("CLUSTERGENIE_ADMIN_PASSWORD") && stderr.contains("8–1024"),
        "{stderr}"
    );
    assert!(!stderr.contains("short"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
on_both_backends!(the_first_start_creates_admin_from_the_environment);
