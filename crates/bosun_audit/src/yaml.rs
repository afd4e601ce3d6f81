//! A YAML tree with a position on every node, built from `saphyr-parser`'s events.
//!
//! Why not a ready-made tree: serde-based readers (`serde_yaml_ng`) drop positions, and
//! `saphyr`'s own `MarkedYaml` resolves scalars with the YAML 1.2 core schema and keys
//! its maps by node. Compose and Kubernetes read scalars their own way (`"80:80"`,
//! `yes`, `0o755`), and every finding must name a line, so this module keeps each
//! scalar as its text (plus whether it was quoted), keeps maps in file order, resolves
//! `<<` merge keys on lookup and expands aliases under a node budget (an alias bomb is
//! an error, never gigabytes). Building is iterative, with a depth limit.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// Deepest nesting accepted (Compose and Kubernetes files are a dozen levels deep).
const MAX_DEPTH: usize = 200;
/// Most nodes one file may expand to, aliases included.
const MAX_NODES: usize = 1_000_000;

/// A YAML syntax error (or a limit), with its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid YAML at line {line}, column {column}: {message}")]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One node and where it starts and ends in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// 1-based line of the first character.
    pub line: usize,
    /// 1-based column (in characters) of the first character.
    pub column: usize,
    /// Byte offsets of the node in the file.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar's text, and whether it was written plain (unquoted, not a block).
    Scalar(String, bool),
    Seq(Vec<Node>),
    /// Entries in file order (a `<<` merge key stays an entry; [`Node::get`] follows it).
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar text, unless the node is a null (`~`, `null`, empty) or not a scalar.
    pub fn str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s, plain) if !(*plain && is_null(s)) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s, true) if is_null(s))
    }

    /// A boolean the way Compose and Kubernetes read one (YAML 1.1 words included).
    pub fn bool(&self) -> Option<bool> {
        match self.str()?.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "y" => Some(true),
            "false" | "no" | "off" | "n" => Some(false),
            _ => None,
        }
    }

    /// An integer (decimal; `_` separators allowed).
    pub fn int(&self) -> Option<i64> {
        self.str()?.replace('_', "").trim().parse().ok()
    }

    pub fn seq(&self) -> &[Node] {
        match &self.value {
            Value::Seq(v) => v,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// The entries of a map, `<<` merges resolved (own keys first, then merged ones
    /// not overridden); empty for anything else.
    pub fn entries(&self) -> Vec<(&str, &Node)> {
        let mut out: Vec<(&str, &Node)> = Vec::new();
        self.collect_entries(&mut out, 0);
        out
    }

    fn collect_entries<'a>(&'a self, out: &mut Vec<(&'a str, &'a Node)>, depth: usize) {
        let Value::Map(m) = &self.value else { return };
        let mut merges = Vec::new();
        for (k, v) in m {
            let key = match &k.value {
                Value::Scalar(s, _) => s.as_str(),
                _ => continue,
            };
            if key == "<<" {
                merges.push(v);
            } else if !out.iter().any(|(o, _)| *o == key) {
                out.push((key, v));
            }
        }
        if depth > 32 {
            return;
        }
        for m in merges {
            match &m.value {
                Value::Seq(list) => list.iter().for_each(|n| n.collect_entries(out, depth + 1)),
                _ => m.collect_entries(out, depth + 1),
            }
        }
    }

    /// The value of `key` in a map (merge keys followed).
    pub fn get(&self, key: &str) -> Option<&Node> {
        let Value::Map(m) = &self.value else {
            return None;
        };
        if let Some((_, v)) = m
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::Scalar(s, _) if s == key))
        {
            return Some(v);
        }
        if key == "<<" {
            return None;
        }
        self.entries()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// `get` followed along a path of keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }
}

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

/// Maps saphyr's character indexes to byte offsets.
struct Offsets {
    /// Byte offset of each character, when the text is not pure ASCII.
    table: Option<Vec<usize>>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let table = (!text.is_ascii()).then(|| {
            let mut t: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            t.push(text.len());
            t
        });
        Offsets {
            table,
            len: text.len(),
        }
    }
    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(t) => t.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

/// A collection being built: the node, its anchor, and its size in nodes so far.
enum Frame {
    Seq(Node, Option<usize>, usize),
    Map(Node, Option<Node>, Option<usize>, usize),
}

/// Parses every document of a YAML stream (empty documents are dropped).
pub fn parse_documents(text: &str) -> Result<Vec<Node>, YamlError> {
    let offsets = Offsets::new(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let mut nodes = 0usize;
    let err = |line: usize, col: usize, message: String| YamlError {
        line,
        column: col + 1,
        message,
    };
    for ev in Parser::new_from_str(text) {
        let (ev, span) =
            ev.map_err(|e| err(e.marker().line(), e.marker().col(), e.info().into()))?;
        let at = |v: Value| Node {
            value: v,
            line: span.start.line(),
            column: span.start.col() + 1,
            start: offsets.byte(span.start.index()),
            end: offsets.byte(span.end.index()),
        };
        let done: Option<(Node, Option<usize>, usize)> = match ev {
            Event::Scalar(s, style, anchor, _) => {
                nodes += 1;
                let plain = style == ScalarStyle::Plain;
                Some((at(Value::Scalar(s.into_owned(), plain)), Some(anchor), 1))
            }
            Event::Alias(id) => {
                let (anchored, size) = anchors.get(&id).ok_or_else(|| {
                    err(span.start.line(), span.start.col(), "unknown alias".into())
                })?;
                // Counted before the copy: an alias bomb stops here, not in memory.
                nodes += size;
                if nodes > MAX_NODES {
                    return Err(err(
                        span.start.line(),
                        span.start.col(),
                        format!("more than {MAX_NODES} nodes (alias expansion?)"),
                    ));
                }
                let size = *size;
                let mut node = anchored.clone();
                // The alias's own position: findings point where the value is used.
                node.line = span.start.line();
                node.column = span.start.col() + 1;
                Some((node, None, size))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                nodes += 1;
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        span.start.line(),
                        span.start.col(),
                        format!("nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let a = (anchor != 0).then_some(anchor);
                stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq(at(Value::Seq(Vec::new())), a, 1)
                } else {
                    Frame::Map(at(Value::Map(Vec::new())), None, a, 1)
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(mut n, a, size)) | Some(Frame::Map(mut n, None, a, size)) => {
                    n.end = offsets.byte(span.end.index()).max(n.start);
                    Some((n, a, size))
                }
                _ => {
                    return Err(err(
                        span.start.line(),
                        span.start.col(),
                        "unbalanced collection".into(),
                    ))
                }
            },
            _ => None,
        };
        if nodes > MAX_NODES {
            return Err(err(
                span.start.line(),
                span.start.col(),
                format!("more than {MAX_NODES} nodes (alias expansion?)"),
            ));
        }
        let Some((node, anchor, size)) = done else {
            continue;
        };
        if let Some(a) = anchor.filter(|a| *a != 0) {
            anchors.insert(a, (node.clone(), size));
        }
        match stack.last_mut() {
            None => {
                if !node.is_null() {
                    docs.push(node);
                }
            }
            Some(Frame::Seq(seq, _, total)) => {
                *total += size;
                if let Value::Seq(v) = &mut seq.value {
                    v.push(node);
                }
            }
            Some(Frame::Map(map, pending, _, total)) => match pending.take() {
                None => {
                    *total += size;
                    *pending = Some(node);
                }
                Some(key) => {
                    *total += size;
                    if let Value::Map(v) = &mut map.value {
                        v.push((key, node));
                    }
                }
            },
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_merges_and_documents() {
        let text = "a: &base\n  x: 1\n  y: \"é\"\nb:\n  <<: *base\n  y: 2\n---\n- z\n";
        let docs = parse_documents(text).unwrap();
        assert_eq!(docs.len(), 2);
        let b = docs[0].get("b").unwrap();
        assert_eq!(b.get("x").unwrap().int(), Some(1));
        assert_eq!(b.get("y").unwrap().int(), Some(2));
        let y = docs[0].path(&["a", "y"]).unwrap();
        assert_eq!((y.line, y.column), (3, 6));
        assert_eq!(&text[y.start..y.end], "\"é\"");
        assert_eq!(docs[1].seq()[0].str(), Some("z"));
    }

    #[test]
    fn errors_carry_the_line() {
        let e = parse_documents("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse_documents(&text).unwrap_err();
        assert!(e.message.contains("nodes"), "{e}");
    }
}
