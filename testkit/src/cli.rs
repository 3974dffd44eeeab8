//! Running a program to completion from a test (the `clustergenie` binary's commands,
//! `cargo metadata`): its output, or a failing test that names the command and shows what it
//! printed on stderr.

use std::process::{Command, Output};

/// Runs `command` to completion and returns its output; the test fails when the command
/// cannot start or exits unsuccessfully, naming it and showing its stderr.
pub fn run_ok(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} exited with {}:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// [`run_ok`], returning what the command printed on stdout; the test fails when that is
/// not UTF-8.
pub fn stdout_of(command: &mut Command) -> String {
    String::from_utf8(run_ok(command).stdout)
        .unwrap_or_else(|e| panic!("{command:?} printed non-UTF-8 output: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_stdout_of_a_successful_command() {
        assert_eq!(stdout_of(Command::new("echo").arg("hello")), "hello\n");
    }

    #[test]
    #[should_panic(expected = "exited with")]
    fn fails_on_an_unsuccessful_exit() {
        run_ok(Command::new("sh").args(["-c", "echo broken >&2; exit 3"]));
    }
}
