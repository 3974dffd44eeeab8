use super::*;
use proptest::prelude::*;
use HealthCheckKind::*;

fn http(status: u16, ms: f64, body: &str) -> Observation {
    Observation {
        status: Some(status),
        response_time_ms: ms,
        body: Some(body.to_string()),
        connected: true,
        ip: Some("127.0.0.1".into()),
        value: None,
    }
}

fn outcome(condition: &str, observed: &Observation) -> (bool, String) {
    let result = Condition::parse(condition).unwrap().evaluate(observed);
    (result.success, result.actual)
}

#[test]
fn the_gatus_examples_hold_against_a_healthy_answer() {
    let up = http(
        200,
        120.4,
        r#"{"status":"UP","items":[{"id":7},{"id":8}],"name":"api"}"#,
    );
    for (condition, actual) in [
        ("[STATUS] == 200", "200"),
        ("[STATUS]==200", "200"),
        ("[STATUS] < 300", "200"),
        ("[STATUS] == any(200, 201)", "200"),
        ("[RESPONSE_TIME] < 500", "120"),
        ("[BODY].status == UP", "UP"),
        ("[BODY].items[1].id == 8", "8"),
        ("len([BODY].items) == 2", "2"),
        ("len([BODY].name) >= 3", "3"),
        ("[BODY] == pat(*\"UP\"*)", up.body.as_deref().unwrap()),
        ("[BODY].name != web", "api"),
        ("[CONNECTED] == true", "true"),
        ("[IP] == 127.0.0.1", "127.0.0.1"),
    ] {
        assert_eq!(
            outcome(condition, &up),
            (true, actual.to_string()),
            "{condition}"
        );
    }
}

#[test]
fn failing_conditions_report_what_was_seen() {
    let down = http(503, 900.0, r#"{"status":"DOWN"}"#);
    for (condition, actual) in [
        ("[STATUS] == 200", "503"),
        ("[STATUS] == any(200, 201)", "503"),
        ("[RESPONSE_TIME] < 500", "900"),
        ("[BODY].status == UP", "DOWN"),
        ("[BODY].missing == UP", "(none)"),
        ("[BODY] == pat(*UP*)", r#"{"status":"DOWN"}"#),
    ] {
        assert_eq!(
            outcome(condition, &down),
            (false, actual.to_string()),
            "{condition}"
        );
    }
    // A refused connection observes no status and no body.
    assert_outcomes(
        &Observation::default(),
        &[
            ("[STATUS] == 200", false, "(none)"),
            ("[CONNECTED] == true", false, "false"),
            ("[BODY].status == UP", false, "(none)"),
        ],
    );
}

/// Each condition's (success, actual) against `observed`.
fn assert_outcomes(observed: &Observation, cases: &[(&str, bool, &str)]) {
    for (condition, success, actual) in cases {
        let expected = (*success, actual.to_string());
        assert_eq!(outcome(condition, observed), expected, "{condition}");
    }
}

#[test]
fn a_body_that_is_not_json_has_no_path_but_has_a_length() {
    assert_outcomes(
        &http(200, 1.0, "plain text"),
        &[
            ("[BODY].status == UP", false, "(none)"),
            ("len([BODY]) == 10", true, "10"),
            ("[BODY] == pat(plain*)", true, "plain text"),
            ("[BODY] != pat(*json*)", true, "plain text"),
        ],
    );
}

#[test]
fn internal_checks_compare_their_value() {
    let lag = Observation {
        value: Some(3.0),
        connected: true,
        response_time_ms: 2.0,
        ..Observation::default()
    };
    assert_outcomes(
        &lag,
        &[("[VALUE] <= 100", true, "3"), ("[VALUE] > 100", false, "3")],
    );
}

#[test]
fn bad_conditions_name_the_token_at_fault() {
    for (condition, reason) in [
        ("[STATUS] === 200", "unknown operator `===`; use one of == != < <= > >="),
        ("[STATUS] =< 200", "unknown operator `=<`; use one of == != < <= > >="),
        ("[NOPE] < 1", "unknown placeholder `[NOPE]`; use [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED], [IP] or [VALUE]"),
        ("STATUS == 200", "`STATUS` is not a placeholder; use [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED], [IP] or [VALUE]"),
        ("[STATUS] 200", "has no operator; use one of == != < <= > >="),
        ("[STATUS] ==", "has no value after `==`"),
        ("== 200", "has nothing before the operator; start with a placeholder such as [STATUS]"),
        ("[STATUS] == OK", "[STATUS] compares with a number, not `OK`"),
        ("[RESPONSE_TIME] < fast", "`<` compares numbers, not `fast`"),
        ("[BODY].status < UP", "`<` compares numbers, not `UP`"),
        ("[CONNECTED] == yes", "[CONNECTED] is true or false, not `yes`"),
        ("[STATUS].code == 200", "only [BODY] takes a path, not `[STATUS].code`"),
        ("[BODY].a[x] == 1", "`[x]` is not an array index"),
        ("[BODY]..a == 1", "`..a` is not a JSON path step; write .name or [0]"),
        ("len([BODY] == 1", "`len([BODY]` misses its closing parenthesis"),
        ("len([BODY]) == two", "len(…) compares with a number, not `two`"),
        ("[BODY] < pat(*x*)", "pat(…) goes with == or !=, not `<`"),
        ("[STATUS] == any(200,)", "`any(200,)` has an empty value"),
        ("[STATUS] == any(200, OK)", "[STATUS] compares with a number, not `OK`"),
        ("", "is empty"),
        ("   ", "is empty"),
    ] {
        let err = Condition::parse(condition).unwrap_err();
        assert_eq!(err.reason, reason, "{condition}");
        assert!(err.to_string().starts_with("condition \""), "{err}");
    }
    let long = format!("[BODY].a == {}", "x".repeat(MAX_CONDITION_CHARS));
    let err = Condition::parse(&long).unwrap_err();
    assert_eq!(err.reason, "is longer than 200 characters");
    assert!(
        err.condition.chars().count() < 100,
        "an excerpt: {}",
        err.condition
    );
    let err = Condition::parse("[STATUS] == 200\n").unwrap_err();
    assert_eq!(err.reason, "contains the invisible character \\u{a}");
    let err = Condition::parse("[STATUS] == 200\u{202e}").unwrap_err();
    assert_eq!(err.reason, "contains the invisible character \\u{202e}");
}

#[test]
fn a_kind_only_accepts_what_it_observes() {
    assert!(Condition::parse_for(Http, "[STATUS] == 200").is_ok());
    assert!(Condition::parse_for(Tcp, "[CONNECTED] == true").is_ok());
    assert!(Condition::parse_for(Internal, "[VALUE] < 10").is_ok());
    for (kind, condition, name) in [
        (Tcp, "[STATUS] == 200", "[STATUS]"),
        (Tcp, "[BODY].a == b", "[BODY]"),
        (Internal, "[IP] == 127.0.0.1", "[IP]"),
        (Http, "[VALUE] < 10", "[VALUE]"),
    ] {
        let err = Condition::parse_for(kind, condition).unwrap_err();
        assert_eq!(err.reason, format!("a {kind} check cannot observe {name}"));
    }
}

#[test]
fn conditions_serialize_as_their_normalized_text() {
    let c = Condition::parse("  [STATUS]==any(200,201) ").unwrap();
    assert_eq!(c.to_string(), "[STATUS] == any(200, 201)");
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(json, r#""[STATUS] == any(200, 201)""#);
    assert_eq!(serde_json::from_str::<Condition>(&json).unwrap(), c);
    assert!(serde_json::from_str::<Condition>(r#""[NOPE] == 1""#).is_err());
}

fn placeholder() -> impl Strategy<Value = (String, bool)> {
    // (text, numeric)
    prop_oneof![
        Just(("[STATUS]".to_string(), true)),
        Just(("[RESPONSE_TIME]".to_string(), true)),
        Just(("[VALUE]".to_string(), true)),
        Just(("[IP]".to_string(), false)),
        "(\\.[a-z]{1,6}|\\[[0-9]{1,2}\\]){0,3}".prop_map(|p| (format!("[BODY]{p}"), false)),
    ]
}

proptest! {
    /// The normalized text parses back to the same condition, and parsing it is stable.
    #[test]
    fn display_parses_back(
        (left, numeric) in placeholder(),
        length in any::<bool>(),
        operator in prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]),
        number in 0u32..100_000,
        word in "[A-Za-z][A-Za-z0-9_-]{0,8}",
        spaces in "[ ]{0,2}",
    ) {
        let left = if length { format!("len({left})") } else { left };
        let ordering = !matches!(operator, "==" | "!=");
        let right = if numeric || length || ordering { number.to_string() } else { word };
        let text = format!("{left}{spaces}{operator}{spaces}{right}");
        let parsed = Condition::parse(&text).unwrap();
        let normalized = parsed.to_string();
        prop_assert_eq!(&Condition::parse(&normalized).unwrap(), &parsed);
        prop_assert_eq!(Condition::parse(&normalized).unwrap().to_string(), normalized);
    }

    /// Nothing a user types panics the parser.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,60}") {
        let _ = Condition::parse(&text);
    }
}
