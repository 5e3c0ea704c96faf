"""A `.keras` file saved under the active backend loads under the next backend with equal logits.

Each pass loads under one other backend (tensorflow -> jax -> torch -> tensorflow), so every
backend saves once and loads once; the `06_backends` notebook covers the other three directions
(through translations) in CI.
"""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
from conftest import random_batch, tiny_model
from keras import ops

BACKENDS = ("tensorflow", "jax", "torch")

LOAD_AND_PREDICT = textwrap.dedent(
    """
    import sys
    import numpy as np
    import keras
    import keras_seq2seq  # registers the package's classes for deserialization
    model = keras.saving.load_model(sys.argv[1])
    batch = np.load(sys.argv[2])
    logits = model((batch["source"], batch["decoder_input"]), training=False)
    np.save(sys.argv[3], keras.ops.convert_to_numpy(logits))
    """
)


def test_saved_model_gives_the_same_logits_under_another_backend(tmp_path):
    other = BACKENDS[(BACKENDS.index(keras.backend.backend()) + 1) % len(BACKENDS)]
    model = tiny_model(
        attention="bahdanau",
        encoder_kwargs={"bidirectional": True, "num_layers": 2},
        bridge="dense",
    )
    model.compile(optimizer="adam")
    x, y = random_batch(batch=8)
    model.fit(x, y, epochs=2, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    np.savez(tmp_path / "batch.npz", source=x[0], decoder_input=x[1])
    expected = ops.convert_to_numpy(model(x, training=False))
    env = {**os.environ, "KERAS_BACKEND": other}
    subprocess.run(
        [
            sys.executable,
            "-c",
            LOAD_AND_PREDICT,
            str(path),
            str(tmp_path / "batch.npz"),
            str(tmp_path / "logits.npy"),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    np.testing.assert_allclose(np.load(tmp_path / "logits.npy"), expected, rtol=1e-4, atol=1e-5)
