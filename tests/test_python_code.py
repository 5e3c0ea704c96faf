"""Code generation pairs read from Python files: first docstring sentence to `def` line."""

import ast

from helpers import assert_rejected

from keras_seq2seq import datasets
from keras_seq2seq.data.python_code import _first_sentence, _function_pairs

SOURCE = '''
def plain(a, b=1, *args, key: int | None = None, **kwargs) -> int:
    """Add the numbers. Then more.

    Details here.
    """


class Box:
    async def fetch(self, url):
        """Fetch a page
        over the network"""

    def _undocumented(self):
        pass
'''


def test_function_pairs_keep_the_first_sentence_and_the_def_line():
    assert _function_pairs(SOURCE) == [
        ("Add the numbers.", "def plain(a, b=1, *args, key: int | None=None, **kwargs):"),
        ("Fetch a page over the network", "async def fetch(self, url):"),
    ]
    assert all(ast.parse(line + " pass") for _, line in _function_pairs(SOURCE))
    assert _function_pairs("def broken(:") == []
    assert _first_sentence("Is it? Yes.") == "Is it?"
    assert _first_sentence("  version 1.2 of it\n\nmore") == "version 1.2 of it"


def test_files_split_by_path_and_the_standard_library_by_default(tmp_path):
    for i in range(40):
        (tmp_path / f"module_{i}.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_it.py").write_text(SOURCE, encoding="utf-8")
    splits = {
        s: datasets.python_function_pairs(tmp_path, s, 0.25, 0.25)
        for s in ("train", "valid", "test")
    }
    assert sum(map(len, splits.values())) == 80  # two pairs per module, tests/ left out
    assert all(len(pairs) >= 10 for pairs in splits.values())
    stdlib = datasets.python_function_pairs(split="valid")
    assert len(stdlib) > 50 and all(line.endswith("):") for _, line in stdlib)


def test_bad_arguments_are_named(tmp_path):
    assert_rejected(lambda: datasets.python_function_pairs(tmp_path / "nowhere"), "root=")
    assert_rejected(lambda: datasets.python_function_pairs(split="dev"), "split='dev'")
