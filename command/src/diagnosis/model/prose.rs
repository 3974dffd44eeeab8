//! The readable part of a JSON answer while it streams: the model writes a JSON document
//! (summary, then findings with titles, explanations and recommendations), and an operator
//! watching the job wants those sentences as they are written, not braces and quotes.
//!
//! [`ProseStream`] reads the document in pieces of any size (a piece may end inside a key,
//! an escape or a `\u` sequence) and passes on the text of the string values under the
//! [`PROSE_KEYS`], decoded, each on its own line; everything else is dropped. It never
//! fails: text that is not JSON yields what its strings under those keys say, which may be
//! nothing (the final answer is checked elsewhere).

/// The keys whose string values are prose, and what goes before each value's text (after
/// the first; keys may come in any order).
const PROSE_KEYS: [(&str, &str); 4] = [
    ("summary", "\n\n"),
    ("title", "\n\n"),
    ("explanation", "\n"),
    ("recommendation", "\n→ "),
];

/// Where the reader is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lexed {
    /// Between tokens.
    Outside,
    /// In a string; `\` seen when `escaped`.
    InString { escaped: bool },
    /// In a `\uXXXX` escape, with the digits read so far.
    InUnicode { value: u32, digits: u8 },
}

/// One open object or array.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Container {
    /// An object; `key` is the member being read, `expect_key` until its `:`.
    Object {
        key: String,
        expect_key: bool,
    },
    Array,
}

/// The prose of a JSON document that arrives in pieces.
#[derive(Debug, Default)]
pub struct ProseStream {
    lexed: Option<Lexed>,
    stack: Vec<Container>,
    /// The string being read is a key (collected here), not a value.
    reading_key: Option<String>,
    /// The string value being read is prose.
    in_prose: bool,
    /// A high surrogate waiting for its low half.
    high_surrogate: Option<u32>,
    /// Something has been passed on (separators go between values, not before the first).
    started: bool,
}

impl ProseStream {
    /// A reader at the start of a document.
    pub fn new() -> Self {
        Self::default()
    }

    /// The prose in `piece`, the next part of the document.
    pub fn push(&mut self, piece: &str) -> String {
        let mut out = String::new();
        for c in piece.chars() {
            self.read(c, &mut out);
        }
        out
    }

    fn read(&mut self, c: char, out: &mut String) {
        match self.lexed.unwrap_or(Lexed::Outside) {
            Lexed::Outside => self.between_tokens(c, out),
            Lexed::InString { escaped: false } => match c {
                '"' => self.end_string(),
                '\\' => self.lexed = Some(Lexed::InString { escaped: true }),
                c => self.string_char(c, out),
            },
            Lexed::InString { escaped: true } => {
                self.lexed = Some(Lexed::InString { escaped: false });
                let decoded = match c {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' | 'f' => ' ',
                    'u' => {
                        self.lexed = Some(Lexed::InUnicode {
                            value: 0,
                            digits: 0,
                        });
                        return;
                    }
                    other => other, // `"`, `\`, `/` stand for themselves.
                };
                self.string_char(decoded, out);
            }
            Lexed::InUnicode { value, digits } => {
                let Some(d) = c.to_digit(16) else {
                    // Not an escape after all: keep reading the string.
                    self.lexed = Some(Lexed::InString { escaped: false });
                    self.read(c, out);
                    return;
                };
                let value = value * 16 + d;
                if digits + 1 < 4 {
                    self.lexed = Some(Lexed::InUnicode {
                        value,
                        digits: digits + 1,
                    });
                    return;
                }
                self.lexed = Some(Lexed::InString { escaped: false });
                self.code_unit(value, out);
            }
        }
    }

    /// A UTF-16 code unit from a `\u` escape (a surrogate pair arrives as two).
    fn code_unit(&mut self, unit: u32, out: &mut String) {
        let scalar = match (self.high_surrogate.take(), unit) {
            (None, 0xD800..=0xDBFF) => {
                self.high_surrogate = Some(unit);
                return;
            }
            (Some(high), 0xDC00..=0xDFFF) => 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00),
            (_, unit) => unit,
        };
        self.string_char(char::from_u32(scalar).unwrap_or('\u{FFFD}'), out);
    }

    fn between_tokens(&mut self, c: char, out: &mut String) {
        match c {
            '"' => self.start_string(out),
            '{' => self.stack.push(Container::Object {
                key: String::new(),
                expect_key: true,
            }),
            '[' => self.stack.push(Container::Array),
            '}' | ']' => {
                self.stack.pop();
            }
            ':' => {
                if let Some(Container::Object { expect_key, .. }) = self.stack.last_mut() {
                    *expect_key = false;
                }
            }
            ',' => {
                if let Some(Container::Object { expect_key, .. }) = self.stack.last_mut() {
                    *expect_key = true;
                }
            }
            _ => {}
        }
    }

    fn start_string(&mut self, out: &mut String) {
        self.lexed = Some(Lexed::InString { escaped: false });
        match self.stack.last() {
            Some(Container::Object {
                expect_key: true, ..
            }) => self.reading_key = Some(String::new()),
            _ => {
                let prefix = self
                    .member_key()
                    .and_then(|k| PROSE_KEYS.iter().find(|(p, _)| *p == k))
                    .map(|(_, prefix)| *prefix);
                if let Some(prefix) = prefix {
                    self.in_prose = true;
                    if self.started {
                        out.push_str(prefix);
                    }
                    self.started = true;
                }
            }
        }
    }

    /// The key of the member a value belongs to (for an array item, the array's member).
    fn member_key(&self) -> Option<&str> {
        self.stack.iter().rev().find_map(|c| match c {
            Container::Object { key, .. } => Some(key.as_str()),
            Container::Array => None,
        })
    }

    fn string_char(&mut self, c: char, out: &mut String) {
        if let Some(key) = &mut self.reading_key {
            key.push(c);
        } else if self.in_prose {
            out.push(c);
        }
    }

    fn end_string(&mut self) {
        self.lexed = Some(Lexed::Outside);
        self.high_surrogate = None;
        self.in_prose = false;
        if let Some(read) = self.reading_key.take() {
            if let Some(Container::Object { key, .. }) = self.stack.last_mut() {
                *key = read;
            }
        }
    }
}

/// The prose of a whole document (what [`ProseStream`] passes on for it in one piece).
pub fn prose_of(json: &str) -> String {
    ProseStream::new().push(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = r#"{"summary":"web-2 is \"hot\"\nfor 10 min",
        "findings":[{"id":"f1","title":"CPU high on web-2","confidence":0.9,
        "explanation":"CPU averaged 93 % \u2014 above 85 %","evidence":[{"ref":"x"}],
        "recommendation":"Resize web-2 to s-2vcpu-4gb"},
        {"id":"f2","title":"Disk \ud83d\udcbe filling","explanation":"full in 3 h","recommendation":null}]}"#;

    const PROSE: &str = "web-2 is \"hot\"\nfor 10 min\n\nCPU high on web-2\nCPU averaged 93 % — above 85 %\n→ Resize web-2 to s-2vcpu-4gb\n\nDisk 💾 filling\nfull in 3 h";

    #[test]
    fn passes_on_the_prose_values_only_decoded() {
        assert_eq!(prose_of(ANSWER), PROSE);
    }

    #[test]
    fn pieces_of_any_size_give_the_same_text() {
        let chars: Vec<char> = ANSWER.chars().collect();
        for size in [1, 2, 3, 5, 7, 40] {
            let mut stream = ProseStream::new();
            let text: String = chars
                .chunks(size)
                .map(|c| stream.push(&c.iter().collect::<String>()))
                .collect();
            assert_eq!(text, PROSE, "pieces of {size}");
        }
    }

    #[test]
    fn values_in_any_key_order_stay_apart() {
        let text = prose_of(r#"{"findings":[{"title":"a","explanation":"b"}],"summary":"c"}"#);
        assert_eq!(text, "a\nb\n\nc");
    }

    #[test]
    fn ids_evidence_and_other_keys_are_not_prose() {
        let text =
            prose_of(r#"{"id":"summary","check":"title","evidence":[{"excerpt":"cpu 93"}]}"#);
        assert_eq!(text, "");
    }

    #[test]
    fn text_that_is_not_json_gives_nothing_and_does_not_panic() {
        for garbage in [
            "",
            "not json",
            "\"",
            "{\"summary\":\"\\u12",
            "}}]]\"\\",
            "{\"summary\":\"\\uZZ\"}",
        ] {
            let _ = prose_of(garbage);
        }
        assert_eq!(prose_of("{\"summary\":\"ok\\uZZ\"}"), "okZZ");
    }
}
