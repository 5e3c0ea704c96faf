"""Mixed precision: the policy reaches every sublayer, survives saving, and numerics stay float32
where they must (attention softmax, loss, search scores)."""

import pathlib
import runpy

import keras
import numpy as np
import pytest
from conftest import random_batch, tiny_model
from keras import ops

from keras_seq2seq import datasets, samplers
from keras_seq2seq.layers.attention import masked_softmax

QUICKSTART = pathlib.Path(__file__).resolve().parents[1] / "examples" / "quickstart.py"


@pytest.fixture
def policy(request):
    keras.mixed_precision.set_dtype_policy(request.param)
    yield request.param
    keras.mixed_precision.set_dtype_policy("float32")


def _policies(model):
    return [layer.dtype_policy.name for layer in model._flatten_layers()]


def _mixed_model():
    return tiny_model(
        encoder_kwargs={"bidirectional": True, "num_layers": 2},
        bridge="dense",
        dropout=0.1,
    )


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"], indirect=True)
def test_policy_reaches_every_sublayer_and_survives_save_and_load(policy, tmp_path):
    model = _mixed_model()
    x, _ = random_batch()
    logits = ops.convert_to_numpy(ops.cast(model(x), "float32"))
    assert set(_policies(model)) == {policy}
    model.save(tmp_path / "m.keras")
    keras.mixed_precision.set_dtype_policy("float32")
    restored = keras.saving.load_model(tmp_path / "m.keras")
    assert _policies(restored) == _policies(model)
    assert str(restored.decoder.output_projection.kernel.dtype).endswith("float32")
    restored_logits = ops.convert_to_numpy(ops.cast(restored(x), "float32"))
    np.testing.assert_allclose(restored_logits, logits, atol=1e-6)


@pytest.mark.parametrize("policy", ["mixed_bfloat16"], indirect=True)
def test_softmax_loss_and_search_scores_stay_float32(policy):
    model = _mixed_model()
    model.compile()
    x, y = random_batch()
    logits = model(x)
    assert "bfloat16" in str(logits.dtype)
    loss = model.compute_loss(x, y, logits)
    assert "float32" in str(loss.dtype)
    scores = ops.cast(ops.ones((2, 5)), "bfloat16")
    assert "float32" in str(masked_softmax(scores, ops.ones((2, 5), "bool")).dtype)
    for sampler in (samplers.Greedy(), samplers.BeamSearch(3, length_penalty=0.6)):
        outputs = model.generate(x[0], sampler=sampler, max_length=6, return_attention=True)
        assert outputs["scores"].dtype == np.float32
        assert np.isfinite(outputs["scores"]).all()


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_float16_training_scales_the_loss(policy):
    model = _mixed_model()
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    model.teacher_forcing_ratio.assign(0.5)
    history = model.fit(*random_batch(batch=16), batch_size=8, epochs=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.slow
@pytest.mark.skipif(
    keras.backend.backend() == "torch",
    reason="PyTorch's bfloat16 kernels on a CPU without AVX-512 BF16 (this one has AVX2) ran "
    "a train step of the benchmark shape 35x slower than float32, too slow for CI",
)
@pytest.mark.parametrize("policy", ["mixed_bfloat16"], indirect=True)
def test_bfloat16_quickstart_reaches_the_float32_bar(policy):
    namespace = runpy.run_path(str(QUICKSTART))
    model = namespace["model"]
    assert model.dtype_policy.name == policy
    (test_source, _), test_labels = datasets.reverse_digits(500, seed=2)
    outputs = model.generate(test_source, max_length=test_labels.shape[1])
    exact_match = np.mean(np.all(outputs["token_ids"][:, 0] == test_labels, axis=1))
    assert exact_match >= 0.99  # test_learning.py's bar for the float32 quickstart
