//! Paths inside free text (rustc's and pytest's logs, stacks, messages): found once here,
//! so that the engine, which writes results naming no machine, and the reports, which
//! shorten paths for a reader, agree on what a path in a text is.

/// Characters a path is made of.
fn in_path(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || "._-/+@~$".contains(ch)
}

/// Where a path may start: after these, or at the start of the text (`@` as in rustc's
/// `{async block@/path/lib.rs:6:52}`). Not after `:`, so that `https://…` is never taken
/// for a path.
fn before_path(ch: char) -> bool {
    ch.is_whitespace() || "\"'`([{<=,@".contains(ch)
}

/// Whether `text` starts as a path does: absolute, `./`, `../`, `~/`, or under a named base
/// such as `$CARGO_HOME/`.
fn path_start(text: &str) -> bool {
    if ["/", "./", "../", "~/"].iter().any(|start| text.starts_with(start)) {
        return true;
    }
    let Some(named) = text.strip_prefix('$') else {
        return false;
    };
    let name_len = named
        .find(|ch: char| !(ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_'))
        .unwrap_or(named.len());
    named.starts_with(|ch: char| ch.is_ascii_uppercase()) && named[name_len..].starts_with('/')
}

/// The length of the path at the start of `text`, if one starts there ([`path_start`]),
/// with at least two components.
fn path_at(text: &str) -> Option<usize> {
    if !path_start(text) {
        return None;
    }
    let len = text.find(|ch| !in_path(ch)).unwrap_or(text.len());
    let path = &text[..len];
    (path.trim_matches('/').contains('/') && !path.contains("//")).then_some(len)
}

/// `text` with every path in it replaced by `map` of it.
pub fn map_paths(text: &str, mut map: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<char> = None;
    let mut rest = text;
    while let Some(ch) = rest.chars().next() {
        let starts = previous.is_none_or(before_path);
        match path_at(rest).filter(|_| starts) {
            Some(len) => {
                out.push_str(&map(&rest[..len]));
                previous = rest[..len].chars().last();
                rest = &rest[len..];
            }
            None => {
                out.push(ch);
                previous = Some(ch);
                rest = &rest[ch.len_utf8()..];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        let mut paths = Vec::new();
        map_paths(text, |p| {
            paths.push(p.to_string());
            p.to_string()
        });
        paths
    }

    #[test]
    fn paths_are_found_where_they_start_and_nowhere_else() {
        assert_eq!(
            found("  --> /srv/x/lib.rs:25:30 and `{async block@/srv/p/lib.rs:6:52}`"),
            ["/srv/x/lib.rs", "/srv/p/lib.rs"]
        );
        assert_eq!(
            found("$CARGO_HOME/registry/src/a.rs, ~/x/y, ../../a/b, ./a/b"),
            ["$CARGO_HOME/registry/src/a.rs", "~/x/y", "../../a/b", "./a/b"]
        );
        // One component, a URL, a relative path without a dot, a lone `$`: no path.
        assert!(found("PosixPath('/tmp') https://a/b a/b $5/x $lower/x").is_empty());
    }

    #[test]
    fn text_outside_paths_is_kept_as_it_is() {
        let text = "error: é /a/b/c.rs:1 ok";
        assert_eq!(map_paths(text, |_| "P".into()), "error: é P:1 ok");
    }
}
