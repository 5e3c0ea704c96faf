"""The example notebooks: committed clean, and each executed top to bottom with small parameters.

A notebook picks its backend with its `BACKEND` parameter, so most run in one backend's pass
only (spread over the passes to balance their time); `06_backends` runs in all three.
"""

import json
import os

import keras
import papermill
import pytest
from helpers import write_tsv

from keras_seq2seq import datasets

EXAMPLES = os.path.join(os.path.dirname(__file__), os.pardir, "examples")
NOTEBOOKS = sorted(name[:-6] for name in os.listdir(EXAMPLES) if name.endswith(".ipynb"))
# Which pass executes each notebook, and its small parameters (paths are made per test).
PASSES = {
    "01_quickstart": ("torch",),
    "02_translation": ("torch",),
    "03_scheduled_sampling": ("torch",),
    "04_attention_and_length": ("torch",),
    "05_serving": ("tensorflow",),
    "06_backends": ("tensorflow", "jax", "torch"),
    "07_summarization": ("torch",),
    "08_code_generation": ("torch",),
    "09_dialogue": ("torch",),
}
PARAMETERS = {
    "01_quickstart": dict(TRAIN_PAIRS=600, TEST_PAIRS=40, EPOCHS=1, UNITS=16),
    "02_translation": dict(MAX_PAIRS=300, TEST_PAIRS=20, VOCABULARY_SIZE=200, EPOCHS=1, UNITS=16),
    "03_scheduled_sampling": dict(TRAIN_SAMPLES=256, EPOCHS=1, UNITS=8),
    "04_attention_and_length": dict(
        MAX_LENGTH=8, TRAIN_SAMPLES=128, EPOCHS=1, UNITS=8, TEST_LENGTHS=[4, 8]
    ),
    "05_serving": dict(TRAIN_PAIRS=300, EPOCHS=1, BATCH_SIZES=[1, 8]),
    "06_backends": dict(TRAIN_PAIRS=200, EPOCHS=1),
    "07_summarization": dict(
        MAX_TRAIN_PAIRS=300,
        VALID_PAIRS=20,
        VOCABULARY_SIZE=300,
        MAX_SOURCE_LENGTH=6,
        EPOCHS=1,
        UNITS=16,
    ),
    "08_code_generation": dict(
        MAX_TRAIN_PAIRS=300, VALID_PAIRS=20, VOCABULARY_SIZE=400, EPOCHS=1, UNITS=16
    ),
    "09_dialogue": dict(VOCABULARY_SIZE=400, EPOCHS=1, UNITS=16),
}


def _load(name):
    with open(os.path.join(EXAMPLES, f"{name}.ipynb"), encoding="utf-8") as file:
        return json.load(file)


def test_every_notebook_is_listed():
    assert NOTEBOOKS == sorted(PASSES) == sorted(PARAMETERS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_clean_with_badge_and_parameters(name):
    cells = _load(name)["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert all(not cell["outputs"] and cell["execution_count"] is None for cell in code)
    assert "colab.research.google.com/github/" in "".join(cells[0]["source"])
    assert f"examples/{name}.ipynb" in "".join(cells[0]["source"])
    tagged = [cell for cell in code if "parameters" in cell["metadata"].get("tags", [])]
    assert len(tagged) == 1 and "BACKEND = " in "".join(tagged[0]["source"])


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, tmp_path):
    backend = keras.backend.backend()
    if backend not in PASSES[name]:
        pytest.skip(f"{name} runs in the {PASSES[name][0]} pass (it sets its own backend)")
    parameters = {**PARAMETERS[name], "BACKEND": backend}
    if name == "02_translation":
        pairs = datasets.spelled_digits(PARAMETERS[name]["MAX_PAIRS"], seed=0)
        parameters["TSV"] = write_tsv(tmp_path / "pairs.tsv", pairs)
    if name == "07_summarization":  # a folder like ../shared/data/debian-summaries, offline
        for split, seed in (("train", 0), ("valid", 1)):
            write_tsv(tmp_path / f"{split}.tsv", datasets.spelled_digits(300, seed=seed))
        parameters["DATA"] = str(tmp_path)
    papermill.execute_notebook(
        os.path.join(EXAMPLES, f"{name}.ipynb"),
        str(tmp_path / f"{name}.out.ipynb"),
        parameters=parameters,
        cwd=str(tmp_path),
        progress_bar=False,
        kernel_name="python3",
    )
