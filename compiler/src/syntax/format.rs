//! `mapc fmt`: a mapping file's layout made canonical without touching what
//! it says. Every token and comment stays, in order, on its line; what
//! changes is the white space between them:
//!
//! - indentation: two spaces per open `{`, `(` or `[`, counted from the
//!   line that opened it; header directives (`source`, `target`, `table`,
//!   `param`, `where`) two in; a line that goes on with the item above
//!   (`+ count(...)`, `?? default`) two more than the item;
//! - one space between tokens, none inside brackets, before `,`, or in a
//!   call, a path or an index (`f(x)`, `.order.id`, `xs[0]`); a space
//!   written before `.`, `[` or `!` is kept as one, as it can change the
//!   meaning (`at .orders[]` against `at.orders`);
//! - alignment the author chose is kept: a run of spaces before `=`, `=>`
//!   or a trailing comment, or after a line's first word;
//! - no trailing white space, no run of blank lines, one newline at the end.
//!
//! The result is checked: its tokens must be the input's, else the file is
//! left alone with an error (a formatter bug must never change a mapping).

/// Why a file was not formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(pub String);

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One token of a line, with the white space written before it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token<'t> {
    text: &'t str,
    kind: Kind,
    gap: &'t str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Number,
    Str,
    Timestamp,
    Comment,
    Punct,
}

/// Punctuation of two characters, tried before one.
const PAIRS: [&str; 8] = ["??", "++", "==", "!=", "<=", ">=", "=>", "->"];

/// The header's words, which with the reserved ones are never a call's
/// name.
const HEADER_WORDS: [&str; 8] = [
    "mapping", "source", "target", "table", "param", "at", "format", "optional",
];

/// The tokens of one line (strings never span lines in the DSL).
fn tokens(line: &str) -> Vec<Token<'_>> {
    let bytes = line.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    // The first index from `i` on whose byte does not satisfy `keep`.
    let skip = |mut i: usize, keep: &dyn Fn(u8) -> bool| {
        while at(i).is_some_and(keep) {
            i += 1;
        }
        i
    };
    let mut out = Vec::new();
    let (mut i, mut gap_start) = (0, 0);
    while let Some(c) = at(i) {
        if matches!(c, b' ' | b'\t' | b'\r') {
            i += 1;
            continue;
        }
        let start = i;
        let kind = match c {
            b'#' => {
                i = bytes.len();
                Kind::Comment
            }
            b'"' => {
                i += 1;
                while let Some(b) = at(i).filter(|b| *b != b'"') {
                    i += if b == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                Kind::Str
            }
            b'@' => {
                i = skip(i + 1, &|b| {
                    b.is_ascii_alphanumeric() || b":-+.".contains(&b)
                });
                Kind::Timestamp
            }
            b'0'..=b'9' => {
                i = skip(i, &|b| b.is_ascii_digit());
                if at(i) == Some(b'.') && at(i + 1).is_some_and(|b| b.is_ascii_digit()) {
                    i = skip(i + 1, &|b| b.is_ascii_digit());
                }
                Kind::Number
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                i = skip(i, &|b| b.is_ascii_alphanumeric() || b == b'_');
                Kind::Word
            }
            _ => {
                let pair = line.get(i..i + 2).filter(|p| PAIRS.contains(p));
                // One character, whole (a stray non-ASCII one included).
                let width = line
                    .get(i..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
                i += pair.map_or(width, str::len);
                Kind::Punct
            }
        };
        out.push(Token {
            text: line.get(start..i).unwrap_or_default(),
            kind,
            gap: line.get(gap_start..start).unwrap_or_default(),
        });
        gap_start = i;
    }
    out
}

/// What an open bracket holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    /// Items: `let`s, assignments, `emit`s (a `with`, `for` or record block).
    Items,
    /// The arms of a `match`.
    Arms,
    /// Arguments, array elements, a parenthesized expression, an index.
    Values,
}

/// An open bracket and the indentation of the line that opened it.
#[derive(Debug, Clone, Copy)]
struct Open {
    holds: Holds,
    indent: usize,
}

fn is_closer(t: &Token<'_>) -> bool {
    t.kind == Kind::Punct && matches!(t.text, "}" | ")" | "]")
}

fn is_keyword(word: &str) -> bool {
    super::RESERVED_WORDS.contains(&word) || HEADER_WORDS.contains(&word)
}

/// Whether a line's tokens begin an item: `let`, `fn`, `emit`,
/// `assert(...)`, or `a.b.c = ...`.
fn starts_item(code: &[Token<'_>]) -> bool {
    let Some(first) = code.first() else {
        return false;
    };
    if first.kind != Kind::Word && first.kind != Kind::Str {
        return false;
    }
    if matches!(first.text, "let" | "fn" | "emit") {
        return true;
    }
    if first.text == "assert" {
        return code.get(1).is_some_and(|t| t.text == "(");
    }
    // A target path: field names joined by `.`, then `=`.
    let mut rest = code.iter().skip(1);
    loop {
        match rest.next() {
            Some(t) if t.text == "=" => return true,
            Some(t) if t.text == "." => match rest.next() {
                Some(n) if n.kind == Kind::Word || n.kind == Kind::Str => continue,
                _ => return false,
            },
            _ => return false,
        }
    }
}

/// Whether a line's tokens begin a `match` arm (a literal or `_`).
fn starts_arm(code: &[Token<'_>]) -> bool {
    code.first().is_some_and(|t| {
        matches!(t.kind, Kind::Str | Kind::Number | Kind::Timestamp)
            || matches!(t.text, "_" | "true" | "false" | "null")
    })
}

/// Whether a line's tokens begin a header directive.
fn starts_directive(code: &[Token<'_>]) -> bool {
    code.first().is_some_and(|t| {
        t.kind == Kind::Word
            && matches!(t.text, "source" | "target" | "table" | "param" | "where")
            // Not an assignment to a field of that name (`source.channel =`).
            && code.get(1).is_some_and(|n| n.text != "=" && !(n.text == "." && n.gap.is_empty()))
    })
}

/// Whether `-` at `at` is a unary minus (it follows no operand).
fn is_unary_minus(code: &[Token<'_>], at: usize) -> bool {
    let Some(previous) = at.checked_sub(1).and_then(|p| code.get(p)) else {
        return true;
    };
    match previous.kind {
        Kind::Word => is_keyword(previous.text),
        Kind::Number | Kind::Str | Kind::Timestamp => false,
        Kind::Comment => true,
        Kind::Punct => !matches!(previous.text, ")" | "]" | "!"),
    }
}

/// The white space to write between `code[at - 1]` and `code[at]`.
fn space_before(code: &[Token<'_>], at: usize) -> String {
    let (Some(previous), Some(token)) = (at.checked_sub(1).and_then(|p| code.get(p)), code.get(at))
    else {
        return String::new();
    };
    let written = token.gap;
    let had_space = !written.is_empty();
    let aligned = written.len() > 1 && !written.contains('\t');
    if token.kind == Kind::Comment {
        return if aligned {
            written.to_owned()
        } else {
            " ".to_owned()
        };
    }
    let (p, t) = (previous.text, token.text);
    let none = String::new();
    let one = " ".to_owned();
    let as_written = if had_space { one.clone() } else { none.clone() };
    if matches!(p, "(" | "[") || matches!(t, ")" | "]" | "," | ":") {
        return none;
    }
    if matches!(p, "," | ":") {
        return one;
    }
    if p == "." && previous.kind == Kind::Punct && matches!(token.kind, Kind::Word | Kind::Str) {
        return none;
    }
    if matches!(t, "." | "[" | "!") {
        return as_written;
    }
    if t == "(" {
        return if previous.kind == Kind::Word && !is_keyword(p) {
            none
        } else {
            as_written
        };
    }
    if p == "-" && is_unary_minus(code, at - 1) {
        return as_written;
    }
    if aligned && (matches!(t, "=" | "=>") || at == 1) {
        return written.to_owned();
    }
    one
}

/// One line of the output, before blank lines are collapsed.
enum Line {
    Blank,
    /// A comment-only line: its indentation is the next code line's.
    Comment(String),
    Code {
        indent: usize,
        comment_indent: usize,
        text: String,
    },
}

/// Format a mapping file's text (see the module documentation). The
/// caller parses it first: this works on any text, but only a file that
/// parses is worth formatting.
pub fn format(text: &str) -> Result<String, FormatError> {
    let mut lines = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    // A `match` seen whose `{` has not come yet, at this bracket depth.
    let mut match_at: Option<usize> = None;
    let mut in_header = false;
    for code in text.lines().map(tokens) {
        if code.is_empty() {
            lines.push(Line::Blank);
            continue;
        }
        if code.iter().all(|t| t.kind == Kind::Comment) {
            let comment = code.iter().map(|t| t.text.trim_end()).collect();
            lines.push(Line::Comment(comment));
            continue;
        }
        let closers = code.iter().take_while(|t| is_closer(t)).count();
        let indent = if closers > 0 {
            open.get(open.len().saturating_sub(closers))
                .map_or(0, |o| o.indent)
        } else if open.is_empty() && code.first().is_some_and(|t| t.text == "mapping") {
            in_header = true;
            0
        } else if open.is_empty() && in_header && starts_directive(&code) {
            2
        } else if open.is_empty() && in_header && !starts_item(&code) {
            4
        } else {
            in_header &= !open.is_empty();
            let new = match open.last().map_or(Holds::Items, |o| o.holds) {
                Holds::Items => starts_item(&code),
                Holds::Arms => starts_arm(&code),
                Holds::Values => true,
            };
            open.last().map_or(0, |o| o.indent + 2) + if new { 0 } else { 2 }
        };
        let mut written = String::new();
        // A bracket opened after one closed on this line counts from the
        // closed one's line (`or b) {` opens a block at the `for`'s level).
        let mut level = indent;
        for (at, token) in code.iter().enumerate() {
            written.push_str(&space_before(&code, at));
            written.push_str(token.text.trim_end());
            if token.kind == Kind::Word && token.text == "match" {
                match_at = Some(open.len());
            }
            if token.kind != Kind::Punct {
                continue;
            }
            match token.text {
                "{" | "(" | "[" => {
                    let holds = match token.text {
                        "{" if match_at == Some(open.len()) => Holds::Arms,
                        "{" => Holds::Items,
                        _ => Holds::Values,
                    };
                    if token.text == "{" {
                        match_at = None;
                    }
                    open.push(Open {
                        holds,
                        indent: level,
                    });
                }
                "}" | ")" | "]" => {
                    if let Some(closed) = open.pop() {
                        level = level.min(closed.indent);
                    }
                }
                _ => {}
            }
        }
        // A comment above a closing bracket belongs to what it closes.
        let comment_indent = if closers > 0 { indent + 2 } else { indent };
        lines.push(Line::Code {
            indent,
            comment_indent,
            text: written,
        });
    }
    let mut out = String::with_capacity(text.len());
    let mut next_indent = 0;
    let mut indents: Vec<usize> = lines
        .iter()
        .rev()
        .map(|line| {
            if let Line::Code { comment_indent, .. } = line {
                next_indent = *comment_indent;
            }
            next_indent
        })
        .collect();
    indents.reverse();
    let mut blank = false;
    for (line, comment_indent) in lines.iter().zip(indents) {
        let (indent, text) = match line {
            Line::Blank => {
                blank = !out.is_empty();
                continue;
            }
            Line::Comment(text) => (comment_indent, text),
            Line::Code { indent, text, .. } => (*indent, text),
        };
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(&" ".repeat(indent));
        out.push_str(text);
        out.push('\n');
    }
    verify(text, &out)?;
    Ok(out)
}

/// The formatted text must hold the input's text but for white space,
/// with the same tokens on each of its non-blank lines.
fn verify(before: &str, after: &str) -> Result<(), FormatError> {
    let visible = |text: &str| -> String { text.chars().filter(|c| !c.is_whitespace()).collect() };
    let lines = |text: &str| -> Vec<Vec<String>> {
        text.lines()
            .map(|l| {
                tokens(l)
                    .iter()
                    .map(|t| t.text.trim_end().to_owned())
                    .collect()
            })
            .filter(|l: &Vec<String>| !l.is_empty())
            .collect()
    };
    if visible(before) == visible(after) && lines(before) == lines(after) {
        Ok(())
    } else {
        Err(FormatError(
            "formatting would change the file's tokens (a bug in `mapc fmt`): the file is left as it is"
                .to_owned(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::format;

    fn formats(input: &str, expected: &str) {
        let once = format(input).expect("formats");
        assert_eq!(once, expected);
        assert_eq!(format(&once).expect("formats"), once, "idempotent");
    }

    #[test]
    fn indentation_follows_brackets_header_and_continuations() {
        formats(
            "mapping a.b -> T\nsource \"s.json\" at .orders[] | .\n      target \"t.json\"\n\n\n\nlet total = 0\n+ count(.x ?? [])\n   # about lines\nlines = for l in .lines {\nsku = l.sku\n    qty = match l.q {\n\"one\" => 1\n_ => 2\n      ?? 3\n}\n}\n",
            "mapping a.b -> T\n  source \"s.json\" at .orders[] | .\n  target \"t.json\"\n\nlet total = 0\n  + count(.x ?? [])\n# about lines\nlines = for l in .lines {\n  sku = l.sku\n  qty = match l.q {\n    \"one\" => 1\n    _ => 2\n      ?? 3\n  }\n}\n",
        );
    }

    #[test]
    fn spacing_is_one_space_except_where_meaning_or_alignment_needs_otherwise() {
        formats(
            "mapping a.b -> T\nid   =  \"x:\"++string( .id )   # kept gap\nn = -1 - -x.y[0]!\nt = f(a,b ,c)\nlet  w=a.\"quoted-key\" ?? [ ]\n",
            "mapping a.b -> T\nid   = \"x:\" ++ string(.id)   # kept gap\nn = -1 - -x.y[0]!\nt = f(a, b, c)\nlet  w = a.\"quoted-key\" ?? []\n",
        );
    }

    #[test]
    fn strings_comments_and_timestamps_are_never_touched() {
        formats(
            "mapping a.b -> T\ns = \"a  #  b\"   #  a  comment  \nt = @2024-01-01T00:00:00+01:00\n",
            "mapping a.b -> T\ns = \"a  #  b\"   #  a  comment\nt = @2024-01-01T00:00:00+01:00\n",
        );
    }
}
