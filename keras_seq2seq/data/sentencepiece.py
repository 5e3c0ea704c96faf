"""Training a SentencePiece model for `TextProcessor`'s sentencepiece level.

The model is a unigram language model over pieces (Kudo 2018), trained by the `sentencepiece`
package on texts the processor has already normalized, so SentencePiece's own normalization is
off (identity). Its ids 0-3 are the processor's reserved tokens, characters it leaves out are
spelled as UTF-8 bytes (byte fallback), and format placeholders are pieces of their own.
"""

import collections
import io
import re

# SentencePiece writes a space inside a piece as this character (U+2581).
SPACE = "\u2581"
# printf conversions (`%s`, `%.*s`, `%1$s`, `%-10lu`, `%%`) and brace fields (`{0}`, `{name}`).
PLACEHOLDER = re.compile(
    r"%(?:\d+\$)?[-+#0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|ll|[hlLqjzt])?[diouxXeEfFgGaAcspn%]"
    r"|\{\w*\}"
)
# A placeholder becomes a piece of its own when `train` sees it this often, up to this many.
MIN_PLACEHOLDER_COUNT = 2
MAX_PLACEHOLDER_PIECES = 200
# Reserved tokens and the 256 byte pieces, which every model holds.
BYTE_PIECES = 256


def placeholders(texts: list[str]) -> list[str]:
    """The placeholders seen at least `MIN_PLACEHOLDER_COUNT` times, most frequent first."""
    counts = collections.Counter(match for text in texts for match in PLACEHOLDER.findall(text))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    kept = [p for p, count in ranked if count >= MIN_PLACEHOLDER_COUNT]
    return kept[:MAX_PLACEHOLDER_PIECES]


def train(texts: list[str], vocabulary_size: int, reserved_tokens: tuple[str, ...]) -> bytes:
    """A serialized unigram SentencePiece model of at most `vocabulary_size` pieces.

    Args:
        texts: normalized texts (single spaces, no U+2581).
        vocabulary_size: the most pieces, `reserved_tokens` and the 256 byte pieces included.
        reserved_tokens: the pad, start, end and unknown tokens, given ids 0-3.

    Returns:
        The model proto, as `tensorflow_text.SentencepieceTokenizer(model=...)` takes it.
    """
    import sentencepiece  # only training needs the package; tensorflow-text runs the model

    symbols = placeholders(texts)
    least = len(reserved_tokens) + BYTE_PIECES + len(symbols) + 1
    if vocabulary_size < least:
        raise ValueError(
            f"The sentencepiece level needs `max_vocabulary_size` of at least {least} (the "
            f"{len(reserved_tokens)} reserved tokens, {BYTE_PIECES} byte pieces and "
            f"{len(symbols)} placeholders). Received: max_vocabulary_size={vocabulary_size}"
        )
    pad, start, end, unknown = reserved_tokens
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=model,
        model_type="unigram",
        vocab_size=vocabulary_size,
        # A smaller vocabulary where the texts hold fewer pieces, instead of an error.
        hard_vocab_limit=False,
        pad_id=0,
        bos_id=1,
        eos_id=2,
        unk_id=3,
        pad_piece=pad,
        bos_piece=start,
        eos_piece=end,
        unk_piece=unknown,
        unk_surface=unknown,
        normalization_rule_name="identity",
        byte_fallback=True,
        user_defined_symbols=symbols,
        # Long texts are kept whole rather than skipped (descriptions run to 1,000 characters).
        max_sentence_length=1 << 16,
        num_threads=2,
        minloglevel=2,
    )
    return model.getvalue()
