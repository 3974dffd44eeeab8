//! A `WHERE` clause under construction, with numbered parameters bound in order.

use crate::backend::Bind;

/// One parameter of a clause.
#[derive(Debug, Clone)]
enum Param {
    Text(String),
    Int(i64),
}

/// A `WHERE` clause and its parameters (`$1`, `$2`, … in the order they were added).
#[derive(Debug, Default, Clone)]
pub struct Where {
    clauses: Vec<String>,
    params: Vec<Param>,
}

impl Where {
    /// Adds a parameter no clause uses yet; returns its number.
    pub(crate) fn param_text(&mut self, value: String) -> usize {
        self.params.push(Param::Text(value));
        self.params.len()
    }

    fn param_int(&mut self, value: i64) -> usize {
        self.params.push(Param::Int(value));
        self.params.len()
    }

    /// `col = value`, when a value is given.
    pub fn eq(&mut self, col: &str, value: Option<&str>) {
        if let Some(v) = value {
            let n = self.param_text(v.to_string());
            self.clauses.push(format!("{col} = ${n}"));
        }
    }

    /// `col = value` for `Some(Some(value))`, `col IS NULL` for `Some(None)`, nothing for
    /// `None`.
    pub fn eq_or_null(&mut self, col: &str, value: Option<Option<&str>>) {
        match value {
            None => {}
            Some(None) => self.clauses.push(format!("{col} IS NULL")),
            Some(Some(v)) => self.eq(col, Some(v)),
        }
    }

    /// `col` contains `value` (case-sensitive), when a value is given.
    pub fn like(&mut self, col: &str, value: &Option<String>) {
        if let Some(v) = value {
            let escaped = v
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let n = self.param_text(format!("%{escaped}%"));
            self.clauses.push(format!("{col} LIKE ${n} ESCAPE '\\'"));
        }
    }

    /// `col` contains `value`, ignoring case, when a value is given.
    pub fn like_ci(&mut self, col: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.like(&format!("LOWER({col})"), &Some(v.to_lowercase()));
        }
    }

    /// `col` is none of `values` (no clause when there are none).
    pub fn not_in(&mut self, col: &str, values: &[String]) {
        if values.is_empty() {
            return;
        }
        let params: Vec<String> = values
            .iter()
            .map(|v| format!("${}", self.param_text(v.clone())))
            .collect();
        self.clauses
            .push(format!("{col} NOT IN ({})", params.join(", ")));
    }

    /// `col OP value`, when a value is given.
    pub fn num(&mut self, col: &str, op: &str, value: Option<i64>) {
        if let Some(v) = value {
            let n = self.param_int(v);
            self.clauses.push(format!("{col} {op} ${n}"));
        }
    }

    /// Whether no clause was added.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// The clause (empty when there is none).
    pub(crate) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// Binds the parameters to `q`, in order.
    pub(crate) fn bind<'q, Q: Bind<'q>>(&'q self, q: Q) -> Q {
        self.params.iter().fold(q, |q, p| match p {
            Param::Text(s) => q.text(s),
            Param::Int(n) => q.int(*n),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Where;

    #[test]
    fn eq_or_null_matches_a_value_or_none() {
        let mut w = Where::default();
        w.eq_or_null("a", None);
        assert!(w.is_empty());
        w.eq_or_null("a", Some(None));
        w.eq_or_null("b", Some(Some("x")));
        assert_eq!(w.sql(), "WHERE a IS NULL AND b = $1");
        assert_eq!(w.params.len(), 1);
    }
}
