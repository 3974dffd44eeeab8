//! The two sides of a condition, parsed; the operator is found by `Condition::parse`.

use super::{Left, PathStep, Placeholder, Right};

pub(super) fn parse_left(text: &str) -> Result<Left, String> {
    if text.is_empty() {
        return Err(
            "has nothing before the operator; start with a placeholder such as [STATUS]".into(),
        );
    }
    if let Some(inner) = text.strip_prefix("len(") {
        let Some(inner) = inner.strip_suffix(')') else {
            return Err(format!("`{text}` misses its closing parenthesis"));
        };
        let placeholder = parse_placeholder(inner.trim())?;
        return Ok(Left {
            placeholder,
            length: true,
        });
    }
    Ok(Left {
        placeholder: parse_placeholder(text)?,
        length: false,
    })
}

fn parse_placeholder(text: &str) -> Result<Placeholder, String> {
    let Some(close) = text.find(']').filter(|_| text.starts_with('[')) else {
        return Err(format!(
            "`{text}` is not a placeholder; use [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED], [IP] or [VALUE]"
        ));
    };
    let (name, path) = text.split_at(close + 1);
    let placeholder = match name {
        "[STATUS]" => Placeholder::Status,
        "[RESPONSE_TIME]" => Placeholder::ResponseTime,
        "[BODY]" => Placeholder::Body(parse_path(path)?),
        "[CONNECTED]" => Placeholder::Connected,
        "[IP]" => Placeholder::Ip,
        "[VALUE]" => Placeholder::Value,
        other => {
            return Err(format!(
                "unknown placeholder `{other}`; use [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED], [IP] or [VALUE]"
            ))
        }
    };
    if !path.is_empty() && !matches!(placeholder, Placeholder::Body(_)) {
        return Err(format!("only [BODY] takes a path, not `{name}{path}`"));
    }
    Ok(placeholder)
}

fn parse_path(mut path: &str) -> Result<Vec<PathStep>, String> {
    let mut steps = Vec::new();
    while !path.is_empty() {
        if let Some(rest) = path.strip_prefix('.') {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let key = &rest[..end];
            if key.is_empty() || key.chars().any(char::is_whitespace) {
                return Err(format!(
                    "`{path}` is not a JSON path step; write .name or [0]"
                ));
            }
            steps.push(PathStep::Key(key.to_string()));
            path = &rest[end..];
        } else if let Some(rest) = path.strip_prefix('[') {
            let end = rest
                .find(']')
                .ok_or_else(|| format!("`{path}` misses its `]`"))?;
            let index = rest[..end]
                .parse()
                .map_err(|_| format!("`[{}]` is not an array index", &rest[..end]))?;
            steps.push(PathStep::Index(index));
            path = &rest[end + 1..];
        } else {
            return Err(format!(
                "`{path}` is not a JSON path step; write .name or [0]"
            ));
        }
    }
    Ok(steps)
}

pub(super) fn parse_right(text: &str, operator: &str) -> Result<Right, String> {
    if text.is_empty() {
        return Err(format!("has no value after `{operator}`"));
    }
    let equality = operator == "==" || operator == "!=";
    for (function, make) in [
        (
            "pat(",
            (|inner: &str| Right::Pattern(inner.to_string())) as fn(&str) -> Right,
        ),
        ("any(", |inner: &str| {
            Right::Any(inner.split(',').map(|v| v.trim().to_string()).collect())
        }),
    ] {
        if let Some(inner) = text.strip_prefix(function) {
            let name = &function[..3];
            let Some(inner) = inner.strip_suffix(')') else {
                return Err(format!("`{text}` misses its closing parenthesis"));
            };
            if !equality {
                return Err(format!("{name}(…) goes with == or !=, not `{operator}`"));
            }
            let right = make(inner);
            if let Right::Any(values) = &right {
                if values.iter().any(String::is_empty) {
                    return Err(format!("`{text}` has an empty value"));
                }
            }
            return Ok(right);
        }
    }
    Ok(Right::Value(text.to_string()))
}
