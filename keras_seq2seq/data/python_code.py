"""Code generation pairs from Python source files: the first sentence of a function's docstring
and the function's `def` line, read with `ast` (no download: the standard library on this
machine is enough for a first model).

Files are split into train, valid and test by a hash of their path relative to the root, so a
module's functions never cross sets.
"""

import ast
import os
import re
import sysconfig

from keras_seq2seq.data.splits import check_split, split_of

# Directories that hold tests or installed packages, not the library's own code.
_SKIPPED = frozenset({"test", "tests", "idle_test", "site-packages", "__pycache__"})
_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")


def _first_sentence(docstring: str) -> str:
    """The first sentence of a docstring's first paragraph, whitespace collapsed."""
    paragraph = " ".join(docstring.strip().split("\n\n")[0].split())
    match = _SENTENCE.match(paragraph)
    return match.group(1) if match else paragraph


def _def_line(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The `def` line of a function, arguments as `ast.unparse` writes them (no return type)."""
    keyword = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    return f"{keyword} {node.name}({ast.unparse(node.args)}):"


def _function_pairs(source: str) -> list[tuple[str, str]]:
    """The `(first docstring sentence, def line)` pairs of the functions in Python source text
    that have a docstring, in file order; text that does not parse gives none."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    pairs = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            docstring = ast.get_docstring(node)
            if docstring and docstring.strip():
                pairs.append((_first_sentence(docstring), _def_line(node)))
    return pairs


def python_function_pairs(
    root: str | os.PathLike | None = None,
    split: str = "train",
    valid_fraction: float = 0.05,
    test_fraction: float = 0.05,
) -> list[tuple[str, str]]:
    """Docstring-to-`def` pairs of the `.py` files under `root`, one split of them.

    Args:
        root: a directory of Python files; None reads this interpreter's standard library.
            Directories named `test`, `tests`, `idle_test`, `site-packages` or `__pycache__`
            are left out under any root.
        split: `"train"`, `"valid"` or `"test"`.
        valid_fraction: the share of files in valid.
        test_fraction: the share of files in test.

    Returns:
        A list of `(sentence, def_line)` strings, files in sorted order.

    Example:
    ```python
    pairs = python_function_pairs(split="valid")
    # [("Return the number of items.", "def count(self):"), ...]
    ```
    """
    check_split(split, valid_fraction, test_fraction)
    root = os.fspath(sysconfig.get_paths()["stdlib"] if root is None else root)
    if not os.path.isdir(root):
        raise ValueError(f"`root` must be a directory of Python files. Received: root={root!r}")
    pairs = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in _SKIPPED)
        for name in sorted(f for f in files if f.endswith(".py")):
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, root).replace(os.sep, "/")
            if split_of(relative, valid_fraction, test_fraction) != split:
                continue
            with open(path, encoding="utf-8", errors="replace") as file:
                pairs.extend(_function_pairs(file.read()))
    return pairs
