"""Which LSTM calls take Keras's fused kernel, and whether a model saved here runs on a CPU.

    KERAS_BACKEND=torch python benchmarks/fused_kernels.py   # on a GPU machine; jax likewise

Counts the calls into Keras's fused LSTM (`keras.src.backend.lstm`, a private hook: it succeeds
when the fused path runs and raises NotImplementedError when Keras falls back to its step loop;
on PyTorch also the cuDNN call inside it) for an encoder on an unpadded batch, on a padded batch,
and for a teacher-forced `fit` (Luong attention without input feeding). JAX counts traces: both
branches of the encoder's no-padding `cond` are traced. Then it saves the trained model, loads
it in a subprocess with no GPU visible, and prints the largest logit difference. Prints JSON.
"""

import importlib
import json
import os
import subprocess
import sys

import keras
import numpy as np
from keras.src import backend as keras_backend

from keras_seq2seq import Seq2Seq
from keras_seq2seq.cli.bench import device_name
from keras_seq2seq.layers import Decoder, Encoder

CALLS = {"fused": 0, "loop": 0, "cudnn": 0}


def _count_fused_lstm_calls() -> None:
    original = keras_backend.lstm

    def counted(*args, **kwargs):
        try:
            outputs = original(*args, **kwargs)
        except NotImplementedError:
            CALLS["loop"] += 1
            raise
        CALLS["fused"] += 1
        return outputs

    keras_backend.lstm = counted
    if keras.backend.backend() == "torch":
        torch_rnn = importlib.import_module("keras.src.backend.torch.rnn")
        cudnn = torch_rnn._cudnn_lstm

        def counted_cudnn(*args, **kwargs):
            CALLS["cudnn"] += 1
            return cudnn(*args, **kwargs)

        torch_rnn._cudnn_lstm = counted_cudnn


def _calls(fn) -> dict:
    CALLS.update(dict.fromkeys(CALLS, 0))
    fn()
    return dict(CALLS)


def _batch():
    rng = np.random.default_rng(0)
    source = rng.integers(4, 50, (16, 12)).astype("int32")
    decoder_inputs = np.concatenate([np.ones((16, 1), "int32"), source[:, :9]], axis=1)
    labels = np.concatenate([source[:, :9], np.full((16, 1), 2, "int32")], axis=1)
    return source, decoder_inputs, labels


LOAD_ON_CPU = """
import sys, numpy as np, keras
sys.path.insert(0, {here!r})
from fused_kernels import _batch
from keras_seq2seq.cli.bench import device_name
model = keras.saving.load_model({path!r})
source, decoder_inputs, _ = _batch()
logits = keras.ops.convert_to_numpy(model((source, decoder_inputs)))
model.generate(source, max_length=10)
print(device_name(), float(np.abs(logits - np.load({logits!r})).max()))
"""


def main() -> dict:
    _count_fused_lstm_calls()
    source, decoder_inputs, labels = _batch()
    padded = source.copy()
    padded[::2, 8:] = 0
    model = Seq2Seq(
        Encoder(50, 16, 64), Decoder(50, 16, 64, attention="luong", input_feeding=False), seed=0
    )
    model.compile(optimizer="adam")
    report = {"backend": keras.backend.backend(), "device": device_name()}
    report["encoder_unpadded"] = _calls(lambda: model.encoder(source))
    report["encoder_padded"] = _calls(lambda: model.encoder(padded))
    report["fit_teacher_forced_unpadded"] = _calls(
        lambda: model.fit((source, decoder_inputs), labels, epochs=2, verbose=0)
    )
    path, logits = "/tmp/fused_kernels.keras", "/tmp/fused_kernels.npy"
    model.save(path)
    np.save(logits, keras.ops.convert_to_numpy(model((source, decoder_inputs))))
    code = LOAD_ON_CPU.format(here=os.path.dirname(__file__), path=path, logits=logits)
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu")
    loaded = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if loaded.returncode == 0:
        device, difference = loaded.stdout.split()[-2:]
        report["loaded_on"], report["max_logit_difference"] = device, float(difference)
    else:
        report["loaded_on"], report["load_error"] = "failed", loaded.stderr[-500:]
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
