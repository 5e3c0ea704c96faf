"""`Translator`: text in, text out, with a trained `Seq2Seq` and its two text processors."""

import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable

import keras
import numpy as np

from keras_seq2seq import atomic, samplers, validation
from keras_seq2seq.data.text import JOINER, TextProcessor
from keras_seq2seq.ensemble import Ensemble
from keras_seq2seq.model import Seq2Seq
from keras_seq2seq.serving import export

# What `Translator.export` runs in a child process under the TensorFlow backend.
_EXPORT_CHILD = (
    "import sys; from keras_seq2seq import Translator; from keras_seq2seq.serving import export; "
    "export.export_translator(Translator.load(sys.argv[1]), sys.argv[2])"
)


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class Translator(keras.layers.Layer):
    """A source `TextProcessor`, a `Seq2Seq` model, a target `TextProcessor` and a sampler.

    Sources longer than `max_source_length` tokens are cut to that length (the model never saw
    longer ones in training if the data pipeline used the same limit); outputs have at most
    `max_length` tokens, the end token included (both limits are checked again when assigned).
    Empty or whitespace-only sources give an empty translation; tokens never seen in training
    become the unknown token (at the subword level, a piece with a character never seen becomes
    one unknown token). A string with a lone surrogate (such as "\\ud800") raises, naming the
    text and the position.

    Args:
        source_processor: an adapted `TextProcessor` for the source language.
        target_processor: an adapted `TextProcessor` for the target language.
        model: a `Seq2Seq` (or an `Ensemble` of them) whose vocabulary sizes match the
            processors'.
        sampler: a `keras_seq2seq.samplers` object or name (default greedy).
        max_source_length: the most source tokens read.
        max_length: the most tokens generated per output, the end token included.
        **kwargs: base `keras.layers.Layer` arguments.

    Example:
    >>> translator = Translator(source, target, model, sampler=samplers.BeamSearch(4))
    >>> translator.translate(["Open the file."])
    ['Öffne die Datei.']
    >>> translator.save("translator.keras")
    >>> translator.export("serving/")  # a SavedModel with a string signature
    """

    def __init__(
        self,
        source_processor: TextProcessor,
        target_processor: TextProcessor,
        model: Seq2Seq,
        sampler: "samplers.Sampler | str" = "greedy",
        max_source_length: int = 100,
        max_length: int = 100,
        **kwargs,
    ):
        super().__init__(**kwargs)
        processors = {"source_processor": source_processor, "target_processor": target_processor}
        for name, value in processors.items():
            if not isinstance(value, TextProcessor):
                raise ValueError(f"`{name}` must be a TextProcessor. Received: {name}={value!r}")
        if not isinstance(model, (Seq2Seq, Ensemble)):
            raise ValueError(f"`model` must be a Seq2Seq or an Ensemble. Received: model={model!r}")
        self.source_processor = source_processor
        self.target_processor = target_processor
        self.model = model
        self.sampler = samplers.get(sampler)
        self.max_source_length = max_source_length
        self.max_length = max_length
        self.built = True
        # Processors deserialized from a saved Translator get their vocabularies afterwards.
        if source_processor.has_vocabulary and target_processor.has_vocabulary:
            self._check_vocabularies()

    @property
    def max_source_length(self) -> int:
        """The most source tokens read; assigning anything but a positive int raises."""
        return self._max_source_length

    @max_source_length.setter
    def max_source_length(self, value: int) -> None:
        self._max_source_length = validation.positive_int("max_source_length", value)

    @property
    def max_length(self) -> int:
        """The most tokens generated per output; assigning anything but a positive int raises."""
        return self._max_length

    @max_length.setter
    def max_length(self, value: int) -> None:
        self._max_length = validation.positive_int("max_length", value)

    def _check_vocabularies(self) -> None:
        pairs = (
            ("source_processor", self.source_processor, self.model.source_vocabulary_size),
            ("target_processor", self.target_processor, self.model.target_vocabulary_size),
        )
        for name, processor, size in pairs:
            if processor.vocabulary_size != size:
                raise ValueError(
                    f"`{name}` has {processor.vocabulary_size} tokens but the model expects "
                    f"{size}; build the model with the processors' vocabulary sizes."
                )
        joint = self.source_processor.vocabulary == self.target_processor.vocabulary
        if self.model.needs_joint_vocabulary and not joint:
            raise ValueError(
                "The model reads source ids as target ids (`copy_attention=True` or "
                "`share_embeddings=True`), which needs one vocabulary shared by "
                "`source_processor` and `target_processor`; theirs differ. Learn a joint "
                "vocabulary (`--joint-vocabulary`)."
            )

    def source_ids(self, texts: list[str]) -> np.ndarray:
        """Texts to right-padded int32 source ids `(batch, S)`, cut to `max_source_length`."""
        ids = self.source_processor.tokenize(texts)[:, : self.max_source_length]
        longest = max(int(ids.bounding_shape()[1]), 1)
        width = -(-longest // export.SOURCE_LENGTH_STEP) * export.SOURCE_LENGTH_STEP
        return ids.to_tensor(shape=[len(texts), width]).numpy().astype("int32")

    def _generate(self, texts, return_attention=False, batch_size=64):
        if isinstance(texts, (str, bytes)):
            raise ValueError(
                "`texts` must be a list of strings; wrap a single string in a list. "
                f"Received: texts={texts!r}"
            )
        if not isinstance(texts, Iterable):
            raise ValueError(f"`texts` must be a list of strings. Received: texts={texts!r}")
        texts = [_as_text(index, text) for index, text in enumerate(texts)]
        validation.positive_int("batch_size", batch_size)
        self._check_vocabularies()
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            source = self.source_ids(chunk)
            # Empty rows up to a power of two (cheap: they finish at once) keep the number of
            # batch shapes, and so of compiled searches, small.
            rows = min(batch_size, 1 << (len(chunk) - 1).bit_length())
            padded = np.pad(source, [(0, rows - len(chunk)), (0, 0)])
            outputs = self.model.generate(
                padded,
                sampler=self.sampler,
                max_length=self.max_length,
                return_attention=return_attention,
            )
            yield source, {name: value[: len(chunk)] for name, value in outputs.items()}

    def translate(
        self, texts: list[str], n_best: bool = False, batch_size: int = 64
    ) -> list[str] | list[list[tuple[str, float]]]:
        """Translates a list of texts.

        Args:
            texts: the source texts.
            n_best: deprecated: `translate(texts, n_best=True)` is `translate_n_best(texts)`.
            batch_size: how many texts are decoded at once.

        Returns:
            One string per text, the sampler's best hypothesis (with the deprecated
            `n_best=True`, what `translate_n_best` returns).
        """
        if n_best:
            validation.deprecated("translate(texts, n_best=True)", "translate_n_best(texts)")
            return self.translate_n_best(texts, batch_size=batch_size)
        return [hypotheses[0][0] for hypotheses in self.translate_n_best(texts, batch_size)]

    def translate_n_best(
        self, texts: list[str], batch_size: int = 64
    ) -> list[list[tuple[str, float]]]:
        """Every hypothesis the sampler returns for each text, with its score, best first.

        `BeamSearch(n_best=n)` returns n hypotheses per text; the other samplers one.

        Args:
            texts: the source texts.
            batch_size: how many texts are decoded at once.

        Returns:
            One list of `(text, score)` per text.
        """
        results = []
        for _, outputs in self._generate(texts, batch_size=batch_size):
            token_ids, scores = outputs["token_ids"], outputs["scores"]
            batch, per_text, length = token_ids.shape
            decoded = self.target_processor.detokenize(token_ids.reshape(-1, length)).numpy()
            decoded = [text.decode("utf-8") for text in decoded]
            for row in range(batch):
                hypotheses = decoded[row * per_text : (row + 1) * per_text]
                results.append(
                    [(t, float(s)) for t, s in zip(hypotheses, scores[row], strict=True)]
                )
        return results

    def attention(self, text: str) -> dict:
        """The best translation of one text with its attention weights, for plotting.

        Returns:
            A dict: `source_tokens` (list of str), `target_tokens` (list of str, the end token
            `[END]` included when produced), `weights` float32 `(len(target_tokens),
            len(source_tokens))`, and `translation` (str). Tokens are shown without the joiner
            mark.
        """
        [(source, outputs)] = list(self._generate([text], return_attention=True))
        source_ids = source[0][source[0] != 0]
        target_ids = outputs["token_ids"][0, 0][: outputs["lengths"][0, 0]]
        return {
            "source_tokens": self._tokens(self.source_processor, source_ids),
            "target_tokens": self._tokens(self.target_processor, target_ids),
            "weights": outputs["attention"][0, 0, : len(target_ids), : len(source_ids)],
            "translation": self.target_processor.detokenize(target_ids[None]).numpy()[0].decode(),
        }

    @staticmethod
    def _tokens(processor: TextProcessor, ids: np.ndarray) -> list[str]:
        vocabulary = processor.vocabulary
        return [vocabulary[i].replace(JOINER, "") for i in ids]

    def save(self, path: str | os.PathLike, include_optimizer: bool = True) -> None:
        """Saves everything to one `.keras` file (replaced if it exists), or to a new directory
        for any other path (an existing non-empty directory raises rather than mixing files).
        The new version is written beside the old one and renamed over it once complete, so a
        failed or interrupted save leaves the old file intact.

        `include_optimizer=False` leaves out the optimizer state and compile settings (a third
        of the size with Adam), for a file meant only for inference.
        """
        path = os.fspath(path)
        if not path.endswith(".keras") and os.path.isdir(path) and os.listdir(path):
            raise FileExistsError(f"Not saving into the non-empty directory {path!r}.")
        translator = self
        if not include_optimizer and getattr(self.model, "optimizer", None) is not None:
            model = type(self.model).from_config(self.model.get_config())
            model.set_weights(self.model.get_weights())
            translator = Translator(
                self.source_processor,
                self.target_processor,
                model,
                sampler=self.sampler,
                max_source_length=self.max_source_length,
                max_length=self.max_length,
                name=self.name,
            )
        with atomic.replacing(path) as partial:
            keras.saving.save_model(translator, partial, zipped=path.endswith(".keras"))

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Translator":
        """Loads a `Translator` saved with `save`, under any backend.

        A missing path raises `FileNotFoundError`; a file that is not a zip archive (empty,
        truncated or of another kind), a directory without a saved Translator, or a save whose
        vocabularies are missing raises `ValueError` naming the path.
        """
        path = os.fspath(path)
        if not os.path.exists(path):
            raise FileNotFoundError(f"No saved Translator at {path!r}")
        if os.path.isdir(path) and not os.path.isfile(os.path.join(path, "config.json")):
            raise ValueError(
                f"{path!r} is a directory without a saved Translator (no config.json)."
            )
        if os.path.isfile(path) and not zipfile.is_zipfile(path):
            raise ValueError(
                f"{path!r} is not a `.keras` zip archive ({os.path.getsize(path)} bytes): it is "
                "empty, truncated or another kind of file."
            )
        try:
            translator = keras.saving.load_model(path)
        except (ValueError, KeyError, TypeError) as error:  # a garbled config.json, for one
            raise ValueError(
                f"{path!r} could not be loaded as a Translator ({type(error).__name__}: {error})"
            ) from error
        if not isinstance(translator, cls):
            raise ValueError(f"{path!r} holds a {type(translator).__name__}, not a Translator.")
        processors = {
            "source_processor": translator.source_processor,
            "target_processor": translator.target_processor,
        }
        missing = [name for name, processor in processors.items() if not processor.has_vocabulary]
        if missing:
            raise ValueError(
                f"{path!r} holds no vocabulary for {', '.join(missing)}: the save is incomplete "
                "(its vocabulary assets are missing)."
            )
        translator._check_vocabularies()
        return translator

    def export(self, path: str | os.PathLike) -> None:
        """Writes a TensorFlow SavedModel for serving; see `keras_seq2seq.serving.export`.

        Under JAX or PyTorch, the Translator is saved to a temporary `.keras` file and exported
        by a child Python process running the TensorFlow backend.
        """
        self._check_vocabularies()
        export.check_exportable(self, path)
        with atomic.replacing(path) as partial:
            if keras.backend.backend() == "tensorflow":
                export.export_translator(self, partial)
            else:
                self._export_in_child(partial)

    def _export_in_child(self, path: str) -> None:
        with tempfile.TemporaryDirectory() as directory:
            saved = os.path.join(directory, "translator.keras")
            self.save(saved, include_optimizer=False)
            command = [sys.executable, "-c", _EXPORT_CHILD, saved, path]
            environment = {
                **os.environ,
                "KERAS_BACKEND": "tensorflow",
                # Tracing needs no GPU, and this process may hold it (JAX preallocates).
                "CUDA_VISIBLE_DEVICES": "",
                "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
            }
            result = subprocess.run(command, env=environment, capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError(
                    f"Exporting under TensorFlow failed (exit {result.returncode}):\n"
                    f"{result.stderr[-3000:]}"
                )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "source_processor": keras.saving.serialize_keras_object(self.source_processor),
                "target_processor": keras.saving.serialize_keras_object(self.target_processor),
                "model": keras.saving.serialize_keras_object(self.model),
                "sampler": keras.saving.serialize_keras_object(self.sampler),
                "max_source_length": self.max_source_length,
                "max_length": self.max_length,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Translator":
        config = dict(config)
        for name in ("source_processor", "target_processor", "model"):
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)


def _as_text(index: int, text) -> str:
    """Item `index` of `texts` as a str that TensorFlow can encode as UTF-8."""
    if isinstance(text, bytes):
        return text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise ValueError(f"`texts` must hold strings. Received an item {text!r} at index {index}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        near = text[max(error.start - 20, 0) : error.start + 20]
        raise ValueError(
            f"`texts[{index}]` holds the lone surrogate {text[error.start]!r} at position "
            f"{error.start}, which UTF-8 cannot encode (a half of a surrogate pair, not text). "
            f"Received: texts[{index}] with {near!r} around it"
        ) from None
    return text
