//! Builds the web console (`web/dist`) with npm so that `query::console` can embed it.
//!
//! A machine without npm, or a failing console build, must not break the Rust build: the
//! binary then serves a short page saying the console was not built, and cargo prints a
//! warning. `CLUSTERGENIE_SKIP_CONSOLE_BUILD=1` skips npm entirely.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// Inputs of the console build; a change to any of them rebuilds it.
const INPUTS: &[&str] = &[
    "src",
    "index.html",
    "graphiql.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let web = manifest.join("..").join("web");
    for input in INPUTS {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    // Missing until built, so this also re-runs the script until a build succeeds.
    println!(
        "cargo:rerun-if-changed={}",
        web.join("dist").join("index.html").display()
    );
    println!("cargo:rerun-if-env-changed=CLUSTERGENIE_SKIP_CONSOLE_BUILD");

    if std::env::var_os("CLUSTERGENIE_SKIP_CONSOLE_BUILD").is_some_and(|v| v != "0") {
        return;
    }
    if let Err(problem) = build_console(&web) {
        println!("cargo:warning=web console not built ({problem}); `/` serves a placeholder page");
    }
}

fn build_console(web: &Path) -> Result<(), String> {
    if !web.join("package.json").exists() {
        return Err(format!("{} has no package.json", web.display()));
    }
    if !web.join("node_modules").exists() {
        npm(web, &["ci", "--no-audit", "--no-fund"])?;
    }
    let index = web.join("dist").join("index.html");
    let built = modified(&index);
    let newest_input = INPUTS.iter().filter_map(|i| newest(&web.join(i))).max();
    if built.is_none() || newest_input > built {
        npm(web, &["run", "build"])?;
    }
    if index.exists() {
        Ok(())
    } else {
        Err("npm run build produced no dist/index.html".to_string())
    }
}

fn npm(web: &Path, args: &[&str]) -> Result<(), String> {
    let program = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let output = Command::new(program)
        .args(args)
        .current_dir(web)
        .output()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    for line in text
        .lines()
        .rev()
        .take(15)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        println!("cargo:warning=npm: {line}");
    }
    Err(format!(
        "`npm {}` failed: {}",
        args.join(" "),
        output.status
    ))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The newest modification time of a file, or of anything under a directory.
fn newest(path: &Path) -> Option<SystemTime> {
    let own = modified(path);
    let Ok(entries) = std::fs::read_dir(path) else {
        return own;
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| newest(&e.path()))
        .chain(own)
        .max()
}
