"""Reads the setuptools-rust extensions a setup.py declares, without running it.

Written by pyo3-matrix (crates/engine/src/scan/setuptools_rust.rs): prints one JSON object,
{"extensions": [{"target", "path", "binding", "line"}], "package_dir": str | null}, read from
the `RustExtension(...)` / `RustBin(...)` calls and the `package_dir={"": ...}` keyword of
the file named as the first argument. A value that is not a literal is null, with its line.
"""

import ast
import json
import sys


def literal(node):
    try:
        return ast.literal_eval(node) if node is not None else None
    except ValueError:
        return None


def binding(node):
    # `Binding.PyO3` (or `setuptools_rust.Binding.Exec`): the attribute's name.
    if isinstance(node, ast.Attribute):
        return node.attr
    return literal(node)


def callee(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def main(path):
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    extensions, package_dir = [], None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = callee(node)
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if name in ("RustExtension", "RustBin"):
            args = node.args + [None] * 2
            target = keywords.get("target", args[0])
            manifest = keywords.get("path", args[1])
            extensions.append(
                {
                    "target": literal(target),
                    "path": "Cargo.toml" if manifest is None else literal(manifest),
                    "binding": "Exec" if name == "RustBin" else binding(keywords.get("binding")) or "PyO3",
                    "line": node.lineno,
                }
            )
        elif "package_dir" in keywords:
            dirs = literal(keywords["package_dir"])
            if isinstance(dirs, dict) and isinstance(dirs.get(""), str):
                package_dir = dirs[""]
    json.dump({"extensions": extensions, "package_dir": package_dir}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
