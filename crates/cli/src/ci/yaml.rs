//! Just enough YAML to write a GitHub Actions workflow that people read and commit: block
//! maps and lists, scripts as literal blocks, and a trailing comment where one is wanted
//! (the tag after a pinned commit), which a serializer would drop.

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A string: written plain when it reads back as the same string, else double-quoted.
    Text(String),
    /// A shell script, written as a literal block (`|`).
    Script(String),
    /// A whole number.
    Number(u64),
    /// A boolean.
    Bool(bool),
    /// A string followed by `# comment` on its line.
    Commented { text: String, comment: String },
    /// Keys and values, in this order.
    Map(Vec<(String, Node)>),
    /// Items, in this order.
    List(Vec<Node>),
}

/// A string node.
pub fn text(value: impl Into<String>) -> Node {
    Node::Text(value.into())
}

/// A map node from `(key, value)` pairs.
pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Node)>) -> Node {
    Node::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
}

/// The document: `header` as comment lines, then `root`.
pub fn document(header: &[String], root: &Node) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str(&format!("# {line}\n").replace(" \n", "\n"));
    }
    write_block(&mut out, root, 0);
    out
}

/// Writes `node` starting on a fresh line, indented by `indent` spaces.
fn write_block(out: &mut String, node: &Node, indent: usize) {
    let pad = " ".repeat(indent);
    match node {
        Node::Map(entries) => {
            for (key, value) in entries {
                // Keys are this module's callers' own words, written as they are (`on` too,
                // which GitHub reads as the string YAML 1.2 makes of it).
                debug_assert!(
                    key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                    "key {key:?}"
                );
                out.push_str(&format!("{pad}{key}:"));
                write_value(out, value, indent);
            }
        }
        Node::List(items) => {
            for item in items {
                // The item as if it were indented under the dash, then the dash put in front.
                let mut block = String::new();
                write_block(&mut block, item, indent + 2);
                out.push_str(&format!("{pad}- "));
                out.push_str(&block[indent + 2..]);
            }
        }
        scalar => out.push_str(&format!("{pad}{}\n", inline(scalar))),
    }
}

/// Writes what follows `key:` for a value whose key sits at `indent`.
fn write_value(out: &mut String, value: &Node, indent: usize) {
    match value {
        Node::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Node::List(items) if items.is_empty() => out.push_str(" []\n"),
        Node::Map(_) | Node::List(_) => {
            out.push('\n');
            write_block(out, value, indent + 2);
        }
        Node::Script(script) => {
            out.push_str(" |\n");
            for line in script.lines() {
                match line {
                    "" => out.push('\n'),
                    _ => out.push_str(&format!("{}{line}\n", " ".repeat(indent + 2))),
                }
            }
        }
        scalar => out.push_str(&format!(" {}\n", inline(scalar))),
    }
}

/// A scalar on one line.
fn inline(scalar: &Node) -> String {
    match scalar {
        Node::Text(s) => quoted_if_needed(s),
        Node::Number(n) => n.to_string(),
        Node::Bool(b) => b.to_string(),
        Node::Commented { text, comment } => format!("{} # {comment}", quoted_if_needed(text)),
        Node::Script(s) => quoted_if_needed(s),
        Node::Map(_) | Node::List(_) => unreachable!("collections are written as blocks"),
    }
}

/// `s` plain if that reads back as the same string, else as a double-quoted scalar (JSON's
/// string escapes are all valid in YAML's double quotes).
fn quoted_if_needed(s: &str) -> String {
    if is_plain(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string serializes")
    }
}

/// Whether `s` can be written without quotes and still read back as this string: no
/// indicator characters, not a number, boolean or null in YAML 1.1 or 1.2, no `: ` or ` #`.
fn is_plain(s: &str) -> bool {
    const RESERVED: &[&str] = &["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];
    let Some(first) = s.chars().next() else {
        return false;
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || " _./@${}()-+=~".contains(c);
    (first.is_ascii_alphabetic() || first == '$' || first == '/' || first == '_')
        && s.chars().all(allowed)
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && !(s.len() <= 5 && RESERVED.contains(&s.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_lists_scripts_and_comments() {
        let root = map([
            ("name", text("scan")),
            ("on", map([("workflow_dispatch", map(Vec::<(String, Node)>::new()))])),
            (
                "steps",
                Node::List(vec![
                    map([(
                        "uses",
                        Node::Commented {
                            text: "actions/checkout@0123".into(),
                            comment: "v1.2.3".into(),
                        },
                    )]),
                    map([
                        ("run", Node::Script("echo \"$A\"\n\necho b".into())),
                        ("x", Node::Number(3)),
                    ]),
                ]),
            ),
        ]);
        assert_eq!(
            document(&["made here".into(), String::new()], &root),
            "# made here\n#\nname: scan\non:\n  workflow_dispatch: {}\nsteps:\n  - uses: actions/checkout@0123 # v1.2.3\n  - run: |\n      echo \"$A\"\n\n      echo b\n    x: 3\n"
        );
    }

    #[test]
    fn strings_that_yaml_would_read_otherwise_are_quoted() {
        for s in [
            "3.12",
            "1/4",
            "on",
            "No",
            "",
            "a: b",
            "a #b",
            "!cancelled()",
            "3.12\n3.13t",
            "x*",
        ] {
            assert!(quoted_if_needed(s).starts_with('"'), "{s:?}");
        }
        for s in [
            "ubuntu-latest",
            "${{ matrix.shard }}",
            "scan/results.json",
            "actions/x@abc",
        ] {
            assert_eq!(quoted_if_needed(s), s);
        }
    }
}
