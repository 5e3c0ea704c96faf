"""`Seq2Seq.generate`: compiled decoding of a model with every sampler."""

import numpy as np
import pytest
from conftest import random_batch, tiny_model
from helpers import assert_rejected
from keras import ops

from keras_seq2seq import samplers

SAMPLERS = [
    samplers.Greedy(),
    samplers.Sampling(top_k=5, seed=1),
    samplers.BeamSearch(3, length_penalty=0.6, coverage_penalty=0.2, n_best=2),
]


def _source(batch=5, seed=0):
    (source, _), _ = random_batch(batch=batch, seed=seed)
    return source


@pytest.mark.parametrize("sampler", SAMPLERS, ids=repr)
def test_output_shapes_and_padding(sampler):
    model = tiny_model()
    source = _source()
    outputs = model.generate(source, sampler=sampler, max_length=6, return_attention=True)
    n = getattr(sampler, "n_best", 1)
    assert outputs["token_ids"].shape == (5, n, 6) and outputs["token_ids"].dtype == np.int32
    assert outputs["lengths"].shape == outputs["scores"].shape == (5, n)
    assert outputs["attention"].shape == (5, n, 6, source.shape[1])
    hypotheses = outputs["token_ids"].reshape(-1, 6)
    for tokens, length in zip(hypotheses, outputs["lengths"].ravel(), strict=True):
        assert np.all(tokens[:length] >= 2) and np.all(tokens[length:] == 0)
        assert 2 not in tokens[: length - 1]
    # Attention: a distribution over the real source positions for every output token.
    weights = outputs["attention"]
    real = (source != 0)[:, None, None, :]
    assert np.all(np.where(real, 0.0, weights) == 0)
    produced = np.arange(6)[None, None, :] < outputs["lengths"][..., None]
    np.testing.assert_allclose(weights.sum(-1)[produced], 1.0, rtol=1e-5)
    assert np.all(weights.sum(-1)[~produced] == 0)


@pytest.mark.parametrize("sampler", [SAMPLERS[0], SAMPLERS[2]], ids=repr)
def test_decoding_a_batch_equals_decoding_each_row_alone(sampler):
    model = tiny_model()
    source = _source()
    batch = model.generate(source, sampler=sampler, max_length=6)
    for row in range(len(source)):
        alone = model.generate(source[row : row + 1], sampler=sampler, max_length=6)
        np.testing.assert_array_equal(alone["token_ids"][0], batch["token_ids"][row])
        np.testing.assert_allclose(alone["scores"][0], batch["scores"][row], rtol=1e-5, atol=1e-5)


def test_beam_width_1_equals_greedy():
    model = tiny_model()
    source = _source()
    greedy = model.generate(source, max_length=6)
    beam = model.generate(source, sampler=samplers.BeamSearch(1), max_length=6)
    np.testing.assert_array_equal(beam["token_ids"], greedy["token_ids"])
    np.testing.assert_allclose(beam["scores"], greedy["scores"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("input_feeding", [True, False])
def test_greedy_scores_equal_the_teacher_forced_log_probabilities(input_feeding):
    """The decoding step and the training path compute the same distribution."""
    model = tiny_model(input_feeding=input_feeding)
    source = _source()
    outputs = model.generate(source, max_length=6)
    tokens, lengths = outputs["token_ids"][:, 0], outputs["lengths"][:, 0]
    decoder_inputs = np.concatenate([np.ones((5, 1), "int32"), tokens[:, :-1]], axis=1)
    logits = model.predict((source, decoder_inputs), verbose=0)
    log_probs = ops.convert_to_numpy(ops.log_softmax(logits))
    chosen = np.take_along_axis(log_probs, tokens[..., None], axis=-1)[..., 0]
    expected = np.where(np.arange(6) < lengths[:, None], chosen, 0.0).sum(axis=1)
    np.testing.assert_allclose(outputs["scores"][:, 0], expected, rtol=1e-4, atol=1e-4)


def test_empty_source_gives_an_empty_output():
    model = tiny_model()
    source = np.zeros((2, 4), "int32")
    for sampler in SAMPLERS:
        outputs = model.generate(source, sampler=sampler, max_length=3)
        assert np.all(outputs["token_ids"] == 0) and np.all(outputs["lengths"] == 0)


def test_min_length():
    model = tiny_model()
    model.decoder.output_projection.bias.assign(np.eye(20, dtype="float32")[2] * 10.0)
    assert np.all(model.generate(_source(), max_length=6)["lengths"] == 1)
    outputs = model.generate(_source(), max_length=6, min_length=3)
    assert np.all(outputs["lengths"] == 4)


def test_generate_reads_the_current_weights():
    model = tiny_model()
    source = _source()
    model.generate(source, max_length=4)
    model.decoder.output_projection.bias.assign(np.eye(20, dtype="float32")[7] * 50.0)
    np.testing.assert_array_equal(model.generate(source, max_length=4)["token_ids"], 7)


def test_sampling_is_reproducible_for_a_seed():
    model = tiny_model()
    source = _source()
    first, second = (
        model.generate(source, sampler=samplers.Sampling(seed=5), max_length=6) for _ in range(2)
    )
    np.testing.assert_array_equal(first["token_ids"], second["token_ids"])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"max_length": 0}, "max_length=0"),
        ({"min_length": -1}, "min_length=-1"),
        ({"min_length": 7, "max_length": 6}, "min_length=7, max_length=6"),
        ({"sampler": "beam"}, "sampler='beam'"),
    ],
)
def test_bad_arguments(kwargs, message):
    assert_rejected(lambda: tiny_model().generate(_source(), **kwargs), message)


def test_bad_source_and_attention_requests():
    model = tiny_model()
    assert_rejected(lambda: model.generate(np.ones((2, 3, 1), "int32")), "shape")
    assert_rejected(lambda: model.generate(np.ones((2, 3), "float32")), "source_ids")
    plain = tiny_model(attention=None, input_feeding=False)
    assert_rejected(
        lambda: plain.generate(_source(), return_attention=True), "return_attention=True"
    )
    assert_rejected(
        lambda: plain.generate(_source(), sampler=samplers.BeamSearch(2, coverage_penalty=0.1)),
        "coverage",
    )
    assert plain.generate(_source(), sampler=samplers.BeamSearch(2))["token_ids"].shape == (
        5,
        1,
        50,
    )


def test_training_after_generate():
    """Decoding leaves nothing behind that training cannot use (PyTorch inference mode)."""
    model = tiny_model()
    x, y = random_batch()
    model.generate(x[0], sampler=samplers.BeamSearch(2), max_length=4)
    model.compile(optimizer="adam")
    model.teacher_forcing_ratio.assign(0.5)
    first = model.train_on_batch(x, y, return_dict=True)["loss"]
    for _ in range(5):
        last = model.train_on_batch(x, y, return_dict=True)["loss"]
    assert last < first


@pytest.mark.parametrize("sampler", [SAMPLERS[0], SAMPLERS[2]], ids=repr)
def test_sources_of_many_shapes(sampler):
    """A compiled search that has relaxed to `(None, None)` sources still runs."""
    model = tiny_model()
    for batch, length in ((2, 4), (3, 5), (1, 6), (4, 7)):
        outputs = model.generate(
            np.full((batch, length), 5, "int32"),
            sampler=sampler,
            max_length=3,
            return_attention=True,
        )
        assert outputs["attention"].shape == (batch, getattr(sampler, "n_best", 1), 3, length)
