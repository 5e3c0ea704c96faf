"""The command line starts fast and quiet: `--help` loads no framework, and TensorFlow's C++ log
stays off a subcommand's stderr; the package imports lazily but still registers its classes for
`keras.saving` (issue #18). Timings are the benchmarks' business, not asserted here.
"""

import importlib
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

import keras_seq2seq

# The module, not the function `keras_seq2seq.cli.main` that the package exports under its name.
cli_main = importlib.import_module("keras_seq2seq.cli.main")
FRAMEWORKS = ("keras", "tensorflow", "jax", "torch")
SAVED_TRANSLATOR = (
    pathlib.Path(__file__).parents[1] / "data" / "keras-seq2seq-0.1" / "translator.keras"
)
# What TensorFlow and absl print while TensorFlow loads, unless silenced.
TENSORFLOW_LOG = re.compile("oneDNN|cuda|cpu_feature_guard|absl", re.IGNORECASE)


def _python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("argv", [["--help"], ["train", "--help"]], ids=" ".join)
def test_help_imports_no_framework(argv):
    # `-X importtime` lists on stderr every module the interpreter imports, one per line.
    result = _python("-X", "importtime", "-m", "keras_seq2seq", *argv)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith(" ".join(["usage: keras-seq2seq", *argv[:-1]]))
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "keras_seq2seq" in imported
    assert imported.isdisjoint(FRAMEWORKS)


def test_a_failing_subcommand_prints_its_error_without_tensorflow_log(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    missing = str(tmp_path / "missing")
    result = _python("-m", "keras_seq2seq", "translate", "--model", missing, env=env)
    assert result.returncode == 2, result.stderr[-3000:]
    assert result.stderr.splitlines()[-1].startswith("keras-seq2seq translate: error:")
    assert not TENSORFLOW_LOG.search(result.stderr), result.stderr[-3000:]


@pytest.mark.parametrize("user_level", [None, "0"])
def test_tensorflow_s_load_time_log_is_dropped_unless_a_level_is_set(
    monkeypatch, capfd, user_level
):
    log = b"I0000 00:00:1796309502.014850   12539 port.cc:153] oneDNN custom operations are on.\n"
    other = b"a warning of the program's own\n"
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "restored afterwards")
    if user_level is None:
        monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL")
    else:
        monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", user_level)
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)  # as if not loaded yet
    with cli_main._quiet_tensorflow_log():
        os.write(2, log + other)
    assert capfd.readouterr().err.encode() == (other if user_level is None else log + other)
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == (user_level or "3")


def test_keras_imported_first_registers_the_classes_for_load_model():
    script = textwrap.dedent(
        """
        import sys
        import keras
        import keras_seq2seq
        print(type(keras.saving.load_model(sys.argv[1])).__name__)
        """
    )
    result = _python("-c", script, str(SAVED_TRANSLATOR))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["Translator"]


def test_the_package_s_names_load_on_first_use(monkeypatch):
    # Here Keras came first, so the package loaded everything at once; forgetting two names
    # makes the next access go through the lazy path of a fresh `import keras_seq2seq`.
    package = vars(keras_seq2seq)
    translator, text = keras_seq2seq.Translator, keras_seq2seq.text
    monkeypatch.delitem(package, "Translator")
    monkeypatch.delitem(package, "text")
    assert {"Translator", "text"} <= set(dir(keras_seq2seq))
    from keras_seq2seq import text as imported

    assert imported is text
    # Any name of the package loads them all, so every class is registered for keras.saving.
    assert package["Translator"] is translator and package["text"] is text
    with pytest.raises(AttributeError, match="no attribute 'Translater'"):
        keras_seq2seq.Translater  # noqa: B018
