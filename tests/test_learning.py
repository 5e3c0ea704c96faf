"""Learning on a small real task: the README's quickstart, reversing digit strings."""

import pathlib
import re
import runpy

import numpy as np
import pytest
from helpers import assert_rejected
from keras import ops

from keras_seq2seq import datasets, samplers

ROOT = pathlib.Path(__file__).resolve().parents[1]
QUICKSTART = ROOT / "examples" / "quickstart.py"


@pytest.mark.slow
def test_quickstart_learns_to_reverse_digits_with_scheduled_sampling():
    namespace = runpy.run_path(str(QUICKSTART))
    model, history = namespace["model"], namespace["model"].history
    assert history.history["teacher_forcing_ratio"][-1] == pytest.approx(0.5)
    assert float(ops.convert_to_numpy(model.teacher_forcing_ratio)) == pytest.approx(0.5)
    (test_source, test_decoder_inputs), test_labels = datasets.reverse_digits(500, seed=2)
    exact_match = {}
    for name, sampler in (("greedy", "greedy"), ("beam", samplers.BeamSearch(4, 0.6))):
        outputs = model.generate(test_source, sampler=sampler, max_length=test_labels.shape[1])
        predicted = outputs["token_ids"][:, 0]
        exact_match[name] = np.mean(np.all(predicted == test_labels, axis=1))
    assert exact_match["greedy"] >= 0.99
    assert exact_match["beam"] >= exact_match["greedy"]
    results = model.evaluate(
        (test_source, test_decoder_inputs), test_labels, verbose=0, return_dict=True
    )
    assert results["exact_match"] >= 0.99


def test_readme_quickstart_is_the_tested_example():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    example = QUICKSTART.read_text().split('"""', 2)[2].strip()
    assert any(block.strip() == example for block in blocks)


def test_reverse_digits_data():
    (source, decoder_inputs), labels = datasets.reverse_digits(50, 2, 5, seed=3)
    assert source.shape == (50, 5) and labels.shape == decoder_inputs.shape == (50, 6)
    for s, d, label in zip(source, decoder_inputs, labels, strict=True):
        digits = s[s != 0]
        assert 2 <= len(digits) <= 5 and np.all((digits >= 4) & (digits < 14))
        np.testing.assert_array_equal(label[: len(digits) + 1], [*digits[::-1], 2])
        np.testing.assert_array_equal(d[: len(digits) + 1], [1, *digits[::-1]])
    assert_rejected(lambda: datasets.reverse_digits(5, 6, 5), "min_length=6, max_length=5")
