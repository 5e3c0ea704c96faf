"""A `Translator` as a TensorFlow SavedModel whose signature takes and returns strings.

The SavedModel holds the whole path, tokenization, search (XLA-compiled) and detokenization,
and loads in a process that imports only `tensorflow` and `tensorflow_text`:

```python
import tensorflow as tf
import tensorflow_text  # registers the text ops the SavedModel uses

serve = tf.saved_model.load("serving/").signatures["serving_default"]
serve(tf.constant(["Open the file."]))["translations"]
```

`Translator.export` calls `export_translator` under the TensorFlow backend, and runs it in a
child process under JAX and PyTorch.
"""

import contextlib
import os

import keras
import tensorflow as tf

from keras_seq2seq import samplers

SIGNATURE_KEY = "serving_default"
# Source batches are padded to a multiple of this many tokens, so that compiled searches (in
# `Translator` and in the SavedModel) are reused across batches.
SOURCE_LENGTH_STEP = 8


@contextlib.contextmanager
def without_cudnn(model: keras.Model):
    """Traces RNN layers without their cuDNN kernels, so a GPU export still runs on a CPU."""
    layers = [layer for layer in model.rnn_layers if hasattr(layer, "use_cudnn")]
    saved = [layer.use_cudnn for layer in layers]
    for layer in layers:
        layer.use_cudnn = False
    try:
        yield
    finally:
        for layer, value in zip(layers, saved, strict=True):
            layer.use_cudnn = value


def check_exportable(translator: keras.layers.Layer, path: str | os.PathLike) -> None:
    """Raises unless the translator's sampler can be exported (random sampling cannot) and
    `path` is new or an empty directory (an export never mixes with other files)."""
    if isinstance(translator.sampler, samplers.Sampling):
        raise ValueError(
            "Export supports deterministic samplers (Greedy, BeamSearch). "
            f"Received: sampler={translator.sampler!r}"
        )
    path = os.fspath(path)
    if os.path.exists(path) and (not os.path.isdir(path) or os.listdir(path)):
        raise FileExistsError(f"Not exporting into the existing {path!r}; pick a new path.")


class _Serving(tf.Module):
    def __init__(self, translator):
        super().__init__()
        model = translator.model
        self.source_processor = translator.source_processor
        self.target_processor = translator.target_processor
        self.model_variables = list(model.variables)
        self.max_source_length = translator.max_source_length
        sampler, max_length = translator.sampler, translator.max_length
        self._search = tf.function(
            lambda ids: model.search(ids, sampler, max_length),
            jit_compile=True,
        )

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
    def serve(self, texts):
        # A loaded signature does not check its input's rank: a 2-D batch would silently lose
        # texts and a scalar would fail deep inside, so the shape is checked here.
        texts = tf.ensure_shape(texts, [None])
        ids = self.source_processor.tokenize(texts)[:, : self.max_source_length]
        longest = tf.maximum(ids.bounding_shape(axis=1, out_type=tf.int32), 1)
        width = (longest + SOURCE_LENGTH_STEP - 1) // SOURCE_LENGTH_STEP * SOURCE_LENGTH_STEP
        outputs = self._search(ids.to_tensor(shape=[tf.shape(texts)[0], width]))
        return {
            "translations": self.target_processor.detokenize(outputs["token_ids"][:, 0]),
            "scores": outputs["scores"][:, 0],
        }


def export_translator(translator: keras.layers.Layer, path: str | os.PathLike) -> None:
    """Writes `translator` as a SavedModel with a `serving_default` signature.

    The signature takes `texts`, a `tf.string` batch `(batch,)`, and returns `translations`
    (`tf.string`, `(batch,)`, the best hypothesis) and `scores` (float32, `(batch,)`). Invalid
    UTF-8 bytes become U+FFFD; sources are cut to the Translator's `max_source_length` tokens.
    `texts` of another rank raise an `InvalidArgumentError` ("Shape of tensor texts [1,2] is not
    compatible with expected shape [?]").
    Needs the TensorFlow backend (`Translator.export` handles the others).
    """
    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            "export_translator needs KERAS_BACKEND=tensorflow; use Translator.export, which "
            f"exports from any backend. Active backend: {keras.backend.backend()!r}"
        )
    check_exportable(translator, path)
    module = _Serving(translator)
    with without_cudnn(translator.model):
        signature = module.serve.get_concrete_function()
    tf.saved_model.save(module, os.fspath(path), signatures={SIGNATURE_KEY: signature})
