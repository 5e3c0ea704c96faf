"""Text to ids and back with tensorflow-text, usable inside `tf.data` under any Keras backend."""

import collections
import json
import os
from collections.abc import Iterable

import keras
import tensorflow as tf
import tensorflow_text as tf_text
from tensorflow_text.tools.wordpiece_vocab import wordpiece_tokenizer_learner_lib

from keras_seq2seq import choices, validation
from keras_seq2seq.data import sentencepiece
from keras_seq2seq.special_ids import END_ID, PAD_ID, START_ID, UNK_ID

RESERVED_TOKENS = ("[PAD]", "[START]", "[END]", "[UNK]")
# Marks a token glued to the one before it (no space between them in the text). `normalize`
# removes this rare character (U+FFED) from the text, so the mark is unambiguous.
JOINER = "\uffed"
LEVELS = choices.LEVELS
NORMALIZATIONS = ("NFKC", "NFC", None)
VOCABULARY_FILE = "vocabulary.json"
SENTENCEPIECE_FILE = "sentencepiece.model"
MAX_BYTES_PER_WORD = 1000


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class TextProcessor(keras.layers.Layer):
    """Normalizes, tokenizes and numbers text, and turns ids back into text.

    Text is first made valid UTF-8 (invalid bytes become U+FFFD), Unicode-normalized, optionally
    case-folded, and its whitespace collapsed to single spaces. It is then cut at one of four
    levels:

    - `"character"`: every character is a token, the space included.
    - `"word"`: whitespace-separated words, each further cut where the Unicode script changes,
      so punctuation, digits and symbols come apart from letters (`"world!"` gives `"world"`,
      `"!"`), and scripts written without spaces are cut at script changes.
    - `"subword"`: the word-level pieces cut into WordPiece subwords, with a vocabulary learned
      by tensorflow-text's WordPiece learner in `adapt`.
    - `"sentencepiece"`: a SentencePiece unigram model (Kudo 2018) over the normalized text,
      trained by the `sentencepiece` package in `adapt` (seconds) and run by tensorflow-text's
      `SentencepieceTokenizer`. Characters outside the model are spelled as UTF-8 bytes (byte
      fallback), so no text becomes unknown. Format placeholders (`%s`, `%.*s`, `%1$s`, `{0}`)
      seen at least twice in `adapt` are pieces of their own and are never split. Needs
      `max_vocabulary_size` above 260 (the 4 reserved tokens and 256 bytes) plus the
      characters of the texts.

    At the word and subword levels a token that follows the previous one without a space
    carries the joiner mark `JOINER` (U+FFED) in front, so `detokenize` restores the spacing of
    the normalized text exactly, punctuation included; sentencepiece pieces carry the spaces
    themselves (as U+2581, which normalization at that level turns into a space).

    Ids 0-3 are reserved: padding, start, end and unknown (`RESERVED_TOKENS`). Tokens not in the
    vocabulary become unknown (3); at the subword level, a piece that cannot be spelled with the
    vocabulary becomes a single unknown token. The vocabulary is saved as an asset file of the
    layer (`vocabulary.json`, and `sentencepiece.model` at the sentencepiece level), not in its
    config.

    The processor runs TensorFlow ops whatever the Keras backend is, so it can sit inside a
    `tf.data` pipeline; `tokenize` and `detokenize` also take Python strings and NumPy arrays.

    Args:
        level: `"character"`, `"word"`, `"subword"` or `"sentencepiece"`.
        max_vocabulary_size: the most tokens in the vocabulary, the four reserved ones included.
        normalization: the Unicode normalization form, `"NFKC"`, `"NFC"` or None.
        case_fold: fold case (Unicode case folding: `"Straße"` becomes `"strasse"`).
        vocabulary: the tokens, the reserved ones first, or at the sentencepiece level the
            serialized SentencePiece model (bytes, as `vocabulary_data()` returns); usually
            learned with `adapt` instead.
        **kwargs: base `keras.layers.Layer` arguments.

    Call arguments:
        texts: a string or a batch of strings `(batch,)`.

    Returns:
        `tokenize` (and `call`) returns a `tf.RaggedTensor` of int32 ids `(batch, None)`,
        without start or end tokens; `detokenize` returns a string tensor `(batch,)`.

    Example:
    >>> processor = TextProcessor("word", max_vocabulary_size=100)
    >>> processor.adapt(["Hello, world!", "Hello again."])
    >>> ids = processor.tokenize(["Hello world!"])
    >>> processor.detokenize(ids).numpy()
    array([b'Hello world!'], dtype=object)
    """

    def __init__(
        self,
        level: str = "word",
        max_vocabulary_size: int = 8000,
        normalization: str | None = "NFKC",
        case_fold: bool = False,
        vocabulary: Iterable[str] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.level = validation.one_of("level", level, LEVELS)
        self.max_vocabulary_size = validation.positive_int(
            "max_vocabulary_size", max_vocabulary_size
        )
        if max_vocabulary_size <= len(RESERVED_TOKENS):
            raise ValueError(
                "`max_vocabulary_size` must leave room for tokens beyond the "
                f"{len(RESERVED_TOKENS)} reserved ones. Received: "
                f"max_vocabulary_size={max_vocabulary_size!r}"
            )
        self.normalization = validation.one_of("normalization", normalization, NORMALIZATIONS)
        if not isinstance(case_fold, bool):
            raise ValueError(f"`case_fold` must be a bool. Received: case_fold={case_fold!r}")
        self.case_fold = case_fold
        self._vocabulary = None
        self._sentencepiece_model = None
        self.built = True  # no weights: the vocabulary is an asset
        if vocabulary is not None:
            self.set_vocabulary(vocabulary)

    @property
    def has_vocabulary(self) -> bool:
        """Whether a vocabulary was learned or set (a processor being loaded gets it last)."""
        return self._vocabulary is not None

    @property
    def vocabulary(self) -> list[str]:
        """The tokens, index = id; raises if no vocabulary was learned or set."""
        self._check_vocabulary()
        return list(self._vocabulary)

    @property
    def vocabulary_size(self) -> int:
        """The number of tokens, reserved ones included; raises if there is no vocabulary."""
        self._check_vocabulary()
        return len(self._vocabulary)

    def vocabulary_data(self) -> "list[str] | bytes":
        """What `set_vocabulary` takes to give another processor this vocabulary: the tokens, or
        at the sentencepiece level the serialized SentencePiece model."""
        self._check_vocabulary()
        if self.level == "sentencepiece":
            return self._sentencepiece_model
        return list(self._vocabulary)

    def set_vocabulary(self, vocabulary: "Iterable[str] | bytes") -> None:
        """Sets the vocabulary: the reserved tokens, then distinct other tokens; at the
        sentencepiece level, a serialized SentencePiece model (bytes) whose first pieces are the
        reserved tokens."""
        if self.level == "sentencepiece":
            self._set_sentencepiece_model(vocabulary)
            return
        if isinstance(vocabulary, bytes):
            raise ValueError(
                "A serialized SentencePiece model is a vocabulary only at the sentencepiece "
                f"level. Received: level={self.level!r}"
            )
        vocabulary = tuple(str(token) for token in vocabulary)
        self._check_token_list(vocabulary)
        if self.level == "subword":
            self._wordpiece = tf_text.FastWordpieceTokenizer(
                list(vocabulary),
                suffix_indicator=JOINER,
                unknown_token=RESERVED_TOKENS[UNK_ID],
                no_pretokenization=True,
                # Runs of scripts written without spaces can be long; past this they become one
                # unknown token.
                max_bytes_per_word=MAX_BYTES_PER_WORD,
                token_out_type=tf.int32,
            )
        else:
            keys = tf.constant(vocabulary[len(RESERVED_TOKENS) :], tf.string)
            values = tf.range(len(RESERVED_TOKENS), len(vocabulary), dtype=tf.int32)
            initializer = tf.lookup.KeyValueTensorInitializer(keys, values)
            self._table = tf.lookup.StaticHashTable(initializer, default_value=UNK_ID)
        self._vocabulary = vocabulary
        self._tokens = tf.constant(vocabulary, tf.string)

    def _sentencepiece(self) -> tf_text.SentencepieceTokenizer:
        """A tokenizer of the SentencePiece model, new at each use.

        Its model lives in a resource that the op's cached kernel owns, and TensorFlow drops
        that cache when a seed is set (`keras.utils.set_random_seed`), so a tokenizer kept
        across calls can lose its model. A new one finds the cached kernel, or makes it again.
        """
        return tf_text.SentencepieceTokenizer(model=self._sentencepiece_model, out_type=tf.int32)

    def _check_token_list(self, vocabulary: tuple) -> None:
        """Raises unless `vocabulary` starts with the reserved tokens, has no duplicate and fits
        `max_vocabulary_size`."""
        if vocabulary[: len(RESERVED_TOKENS)] != RESERVED_TOKENS:
            raise ValueError(
                f"`vocabulary` must start with the reserved tokens {list(RESERVED_TOKENS)}. "
                f"Received: {list(vocabulary[: len(RESERVED_TOKENS)])}"
            )
        if len(set(vocabulary)) != len(vocabulary):
            duplicates = [t for t, n in collections.Counter(vocabulary).items() if n > 1]
            raise ValueError(f"`vocabulary` has duplicate tokens: {duplicates[:10]}")
        if len(vocabulary) > self.max_vocabulary_size:
            raise ValueError(
                f"`vocabulary` has {len(vocabulary)} tokens, more than "
                f"max_vocabulary_size={self.max_vocabulary_size}."
            )

    def _set_sentencepiece_model(self, model: bytes) -> None:
        """Runs the serialized SentencePiece `model`; its pieces become the vocabulary."""
        if not isinstance(model, bytes):
            raise ValueError(
                "At the sentencepiece level `vocabulary` is a serialized SentencePiece model "
                f"(bytes). Received: {type(model).__name__}"
            )
        tokenizer = tf_text.SentencepieceTokenizer(model=model)
        pieces = tokenizer.id_to_string(tf.range(tokenizer.vocab_size())).numpy()
        vocabulary = tuple(piece.decode("utf-8") for piece in pieces)
        self._check_token_list(vocabulary)  # before anything changes
        self._sentencepiece_model = model
        self._vocabulary = vocabulary
        self._tokens = tf.constant(vocabulary, tf.string)

    def adapt(self, texts: "Iterable[str] | tf.data.Dataset", batch_size: int = 4096) -> None:
        """Learns the vocabulary from texts: the most frequent tokens, WordPiece subwords, or a
        SentencePiece model.

        Args:
            texts: an iterable of strings, or a `tf.data.Dataset` of scalar strings.
            batch_size: how many texts are tokenized at once.
        """
        if isinstance(texts, (str, bytes)):
            raise ValueError("`texts` must be a collection of strings, not one string.")
        validation.positive_int("batch_size", batch_size)
        if self.level == "sentencepiece":
            normalized = [
                text.decode("utf-8")
                for batch in _batches(texts, batch_size)
                for text in self.normalize(batch).numpy()
            ]
            if not any(normalized):
                raise ValueError("`texts` holds no tokens to learn a vocabulary from.")
            self.set_vocabulary(
                sentencepiece.train(normalized, self.max_vocabulary_size, RESERVED_TOKENS)
            )
            return
        counts = collections.Counter()
        for batch in _batches(texts, batch_size):
            pieces = self._pieces(self.normalize(batch))
            counts.update(token.decode("utf-8") for token in pieces.flat_values.numpy())
        if not counts:
            raise ValueError("`texts` holds no tokens to learn a vocabulary from.")
        size = self.max_vocabulary_size
        if self.level == "subword":
            learned = wordpiece_tokenizer_learner_lib.learn(
                counts.items(),
                vocab_size=size,
                reserved_tokens=list(RESERVED_TOKENS),
                lower_thresh=1,
                joiner=JOINER,
            )
            # The learner also emits the bare joiner, an empty suffix no word ever needs. It can
            # overshoot the size; single characters (which spell every word) are kept first.
            learned = [t for t in dict.fromkeys(learned) if t != JOINER]
            characters = [t for t in learned if len(t.removeprefix(JOINER)) == 1]
            others = [t for t in learned if len(t.removeprefix(JOINER)) != 1]
            keep = set(characters[: size - len(RESERVED_TOKENS)])
            keep.update(others[: max(size - len(RESERVED_TOKENS) - len(characters), 0)])
            vocabulary = [t for t in learned if t in keep or t in RESERVED_TOKENS]
        else:
            ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            vocabulary = [*RESERVED_TOKENS, *(t for t, _ in ranked if t not in RESERVED_TOKENS)]
        self.set_vocabulary(vocabulary[:size])

    def normalize(self, texts: "str | list[str] | tf.Tensor") -> tf.Tensor:
        """Valid UTF-8, Unicode normalization, case folding and single spaces, `(batch,)`.

        Case folding (`tf_text.case_fold_utf8`) includes NFKC, whatever `normalization` is. The
        joiner mark is removed from the text, so it never reaches a token by accident; at the
        sentencepiece level U+2581, SentencePiece's mark for a space, becomes a space.
        """
        texts = tf.strings.unicode_transcode(
            tf.convert_to_tensor(texts, tf.string),
            "UTF-8",
            "UTF-8",
            errors="replace",
        )
        if self.case_fold:
            texts = tf_text.case_fold_utf8(texts)
        if self.normalization is not None:
            texts = tf_text.normalize_utf8(texts, self.normalization)
        texts = tf.strings.regex_replace(texts, JOINER, "")
        if self.level == "sentencepiece":
            texts = tf.strings.regex_replace(texts, sentencepiece.SPACE, " ")
        return tf.strings.strip(tf.strings.regex_replace(texts, r"[\s\p{Z}]+", " "))

    def _pieces(self, texts: tf.Tensor) -> tf.RaggedTensor:
        """Normalized texts `(batch,)` to character or word-level string tokens `(batch, None)`."""
        if self.level == "character":
            return tf.strings.unicode_split(texts, "UTF-8")
        words = tf.strings.split(texts, " ")
        runs = tf_text.UnicodeScriptTokenizer().tokenize(words)
        in_word = runs.values
        glued = tf.ragged.range(in_word.row_lengths()).flat_values > 0
        flat = in_word.flat_values
        flat = tf.where(glued, tf.strings.join([JOINER, flat]), flat)
        return runs.with_flat_values(flat).merge_dims(1, 2)

    def call(self, texts: "str | list[str] | tf.Tensor") -> tf.RaggedTensor:
        return self.tokenize(texts)

    def tokenize(self, texts: "str | list[str] | tf.Tensor") -> tf.RaggedTensor:
        """Texts `(batch,)` to int32 ids `(batch, None)`, no start or end tokens; one string
        gives a dense `(n,)` tensor (as inside `tf.data.Dataset.map`)."""
        self._check_vocabulary()
        texts = tf.convert_to_tensor(texts, tf.string)
        single = texts.shape.rank == 0
        normalized = self.normalize(tf.reshape(texts, [-1]))
        if self.level == "sentencepiece":
            ids = self._sentencepiece().tokenize(normalized)
            return ids[0] if single else ids
        pieces = self._pieces(normalized)
        if self.level == "subword":
            ids = self._wordpiece.tokenize(pieces).merge_dims(1, 2)
        else:
            ids = pieces.with_flat_values(self._table.lookup(pieces.flat_values))
        return ids[0] if single else ids

    def ids_to_tokens(self, ids: "tf.Tensor | tf.RaggedTensor") -> tf.RaggedTensor:
        """Ids `(batch, L)` to token strings, cut at the end token, padding and start dropped."""
        return tf.gather(self._tokens, self._kept_ids(ids))

    def _kept_ids(self, ids: "tf.Tensor | tf.RaggedTensor") -> tf.RaggedTensor:
        """Ids `(batch, L)` cut at the end token, padding and start dropped, and ids outside
        the vocabulary made unknown: int32 `(batch, None)`."""
        self._check_vocabulary()
        if not isinstance(ids, tf.RaggedTensor):
            ids = tf.RaggedTensor.from_tensor(tf.convert_to_tensor(ids))
        ids = tf.cast(ids, tf.int32)
        before_end = tf.math.cumsum(tf.cast(ids == END_ID, tf.int32), axis=1) == 0
        keep = before_end & (ids != PAD_ID) & (ids != START_ID)
        ids = tf.ragged.boolean_mask(ids, keep)
        flat = ids.flat_values
        return ids.with_flat_values(
            tf.where((flat >= 0) & (flat < len(self._vocabulary)), flat, UNK_ID)
        )

    def detokenize(self, ids: "tf.Tensor | tf.RaggedTensor") -> tf.Tensor:
        """Ids `(batch, L)`, dense or ragged, to text `(batch,)`; stops at the end token."""
        if self.level == "sentencepiece":
            return self._sentencepiece().detokenize(self._kept_ids(ids))
        tokens = self.ids_to_tokens(ids)
        if self.level == "character":
            return tf.strings.reduce_join(tokens, axis=1)
        glued = tf.strings.regex_full_match(tokens.flat_values, JOINER + ".+")
        marked = tokens.flat_values
        spaced = tf.where(
            glued,
            tf.strings.regex_replace(marked, "^" + JOINER, ""),
            tf.strings.join([" ", marked]),
        )
        joined = tf.strings.reduce_join(tokens.with_flat_values(spaced), axis=1)
        return tf.strings.regex_replace(joined, "^ ", "")

    def _check_vocabulary(self) -> None:
        if self._vocabulary is None:
            raise ValueError(
                f"TextProcessor {self.name!r} has no vocabulary: call `adapt(texts)` "
                "or pass `vocabulary=`."
            )

    def save_assets(self, dir_path: str) -> None:
        with open(os.path.join(dir_path, VOCABULARY_FILE), "w", encoding="utf-8") as file:
            json.dump(self.vocabulary, file, ensure_ascii=False, indent=0)
        if self.level == "sentencepiece":
            with open(os.path.join(dir_path, SENTENCEPIECE_FILE), "wb") as file:
                file.write(self._sentencepiece_model)

    def load_assets(self, dir_path: str | None) -> None:
        # Keras passes None when the saved file holds no asset folder for this layer.
        if dir_path is None:
            raise FileNotFoundError(
                f"TextProcessor {self.name!r}: the saved file has no vocabulary asset "
                f"({VOCABULARY_FILE}); the save is incomplete."
            )
        if self.level == "sentencepiece":
            with open(os.path.join(dir_path, SENTENCEPIECE_FILE), "rb") as file:
                self.set_vocabulary(file.read())
            return
        with open(os.path.join(dir_path, VOCABULARY_FILE), encoding="utf-8") as file:
            self.set_vocabulary(json.load(file))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "level": self.level,
                "max_vocabulary_size": self.max_vocabulary_size,
                "normalization": self.normalization,
                "case_fold": self.case_fold,
            }
        )
        return config


def _batches(texts, batch_size: int):
    """Yields string tensors `(n,)` of at most `batch_size` texts."""
    if isinstance(texts, tf.data.Dataset):
        yield from texts.batch(batch_size)
        return
    batch = []
    for text in texts:
        batch.append(text)
        if len(batch) == batch_size:
            yield tf.constant(batch, tf.string)
            batch = []
    if batch:
        yield tf.constant(batch, tf.string)
