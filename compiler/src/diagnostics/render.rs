//! Rendering diagnostics: miette's graphical report (no colour, fixed width
//! when asked), a one-line `file:line:col: error[CODE]: message` form, a
//! GitHub Actions workflow annotation and a JSON object.

use super::source::Window;
use super::Diagnostic;
use crate::check::Severity;
use crate::span::LineIndex;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, Report};

fn to_miette(d: &Diagnostic) -> MietteDiagnostic {
    let labels = d.labels.iter().map(|l| {
        let span = (l.span.start, l.span.len());
        if l.primary {
            LabeledSpan::new_primary_with_span(Some(l.text.clone()), span)
        } else {
            LabeledSpan::new_with_span(Some(l.text.clone()), span)
        }
    });
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let mut m = MietteDiagnostic::new(d.title.clone())
        .with_code(d.code.code)
        .with_severity(severity)
        .with_labels(labels);
    if let Some(help) = &d.help {
        m = m.with_help(help.clone());
    }
    m
}

/// Renders the diagnostics of one mapping file: the file's line index is
/// built once, however many diagnostics there are.
pub struct Renderer<'t> {
    file: &'t str,
    text: &'t str,
    lines: LineIndex,
}

impl<'t> Renderer<'t> {
    /// A renderer for `text`, the mapping named `file`.
    pub fn new(file: &'t str, text: &'t str) -> Self {
        Self {
            file,
            text,
            lines: LineIndex::new(text),
        }
    }

    /// The rustc-like report: code, file:line:col, the span underlined,
    /// help.
    pub fn render(&self, d: &Diagnostic, width: usize) -> String {
        let spans = d.labels.iter().map(|l| l.span);
        let source = Window::around(self.file, self.text, &self.lines, spans);
        let report = Report::new(to_miette(d)).with_source_code(source);
        let handler =
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(width);
        let mut out = String::new();
        if handler.render_report(&mut out, report.as_ref()).is_err() {
            return self.render_short(d);
        }
        out
    }

    /// One line for CI logs and editors: `file:line:col: error[E301]: message`.
    pub fn render_short(&self, d: &Diagnostic) -> String {
        let (line, column) = self.lines.line_col(self.text, d.primary_span().start);
        let level = d.severity.name();
        format!(
            "{}:{line}:{column}: {level}[{}]: {}",
            self.file, d.code.code, d.title
        )
    }

    /// A GitHub Actions workflow command (`::error file=F,line=L,col=C,
    /// endLine=..,endColumn=..,title=CODE::message`), one line, the help
    /// after the message; GitHub shows it on the mapping's line.
    pub fn render_github(&self, d: &Diagnostic) -> String {
        let at = self.location(d);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.title.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(self.file),
            at.line,
            at.column,
            at.end_line,
            at.end_column,
            escape_property(&format!("{}[{}]", level, d.code.code)),
            escape_data(&message)
        )
    }

    /// One JSON object: file, 1-based line and column of the primary span
    /// and its end, severity, code, message, every label and the help.
    pub fn render_json(&self, d: &Diagnostic) -> serde_json::Value {
        let at = self.location(d);
        let labels: Vec<serde_json::Value> = d
            .labels
            .iter()
            .map(|l| {
                let (line, column) = self.lines.line_col(self.text, l.span.start);
                serde_json::json!({
                    "line": line, "column": column, "primary": l.primary, "text": l.text,
                })
            })
            .collect();
        serde_json::json!({
            "file": self.file,
            "line": at.line,
            "column": at.column,
            "end_line": at.end_line,
            "end_column": at.end_column,
            "severity": d.severity.name(),
            "code": d.code.code,
            "message": d.title,
            "labels": labels,
            "help": d.help,
        })
    }

    fn location(&self, d: &Diagnostic) -> Location {
        let span = d.primary_span();
        let (line, column) = self.lines.line_col(self.text, span.start);
        let (end_line, end_column) = self.lines.line_col(self.text, span.end.max(span.start));
        Location {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// Where a diagnostic points, 1-based.
struct Location {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

/// A workflow command's message: `%`, CR and LF escaped, as the Actions
/// runner reads them back.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`, which end it.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
