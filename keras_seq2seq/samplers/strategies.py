"""Decoding strategies for `Seq2Seq.generate`: `Greedy`, `Sampling` and `BeamSearch`.

A sampler is a small serializable object. Calling it runs its search over a decoder step
function with `keras.ops` control flow, so the same code is compiled by `tf.function` and
`jax.jit` and runs eagerly on PyTorch. Every sampler returns the same dict of fixed shapes:
`token_ids (batch, n_best, max_length)`, `lengths (batch, n_best)`, `scores (batch,
n_best)` and, when asked, `attention (batch, n_best, max_length, S)`.
"""

from collections.abc import Callable

import keras
from keras import ops

from keras_seq2seq import validation
from keras_seq2seq.samplers.beam_search import beam_search
from keras_seq2seq.samplers.token_by_token import inverse_cdf_sample, token_by_token

_PACKAGE = "keras_seq2seq"


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Sampler:
    """Base class of decoding strategies.

    Subclasses implement `__call__`; a sampler that needs random numbers draws them in
    `draw_noise`, outside any compiled function, and receives them as `noise`.
    """

    def draw_noise(self, batch_size: int, max_length: int):
        """Random inputs for one call, drawn eagerly; None when the sampler needs none."""
        return None

    def __call__(
        self,
        step_fn: Callable,
        state,
        memory,
        source_mask,
        max_length: int,
        min_length: int = 0,
        return_attention: bool = False,
        noise=None,
    ) -> dict:
        """Decodes a batch.

        Args:
            step_fn: `(token_ids (batch,), state, memory) -> (logits (batch, V), state,
                weights)`, for example `Decoder.step`; `weights (batch, S)` or None.
            state: the decoder state before the first step.
            memory: the loop-invariant inputs of `step_fn`, a nest of `(batch, ...)` tensors.
            source_mask: bool `(batch, S)`, False on source padding; an all-padding row
                decodes to an empty output.
            max_length: the most tokens per row.
            min_length: the end token is not chosen before this many tokens.
            return_attention: also return the attention weights of each output token.
            noise: what `draw_noise` returned.

        Returns:
            A dict: `token_ids`, `lengths`, `scores` and, with `return_attention`, `attention`.
        """
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Sampler":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Greedy(Sampler):
    """Feeds each step its most probable token; the score is the summed log-probability.

    Example:
    >>> outputs = model.generate(source_ids, sampler=Greedy(), max_length=30)
    >>> outputs["token_ids"].shape
    (batch, 1, 30)
    """

    def __call__(self, step_fn, state, memory, source_mask, max_length, **kwargs) -> dict:
        return token_by_token(_argmax, step_fn, state, memory, source_mask, max_length, **kwargs)


def _argmax(log_probs, noise=None):
    return ops.argmax(log_probs, axis=-1)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Sampling(Sampler):
    """Draws each token from the softmax, with temperature, top-k and nucleus (top-p) filtering.

    Filters apply in order: divide the logits by `temperature`, keep the `top_k` most probable
    tokens, then keep the smallest set of those whose probability reaches `top_p`. The score is
    the model's own summed log-probability of the drawn tokens (before temperature and
    filtering).

    Args:
        temperature: a number > 0; below 1 sharpens the distribution, above 1 flattens it.
        top_k: a positive int, or None for no top-k filter.
        top_p: a number in (0, 1], or None for no nucleus filter.
        seed: an int for reproducible draws, or None. A sampler draws new numbers on every
            call; two samplers made with the same seed give the same sequence of outputs.

    Example:
    >>> sampler = Sampling(temperature=0.8, top_p=0.9, seed=7)
    >>> outputs = model.generate(source_ids, sampler=sampler, max_length=30)
    """

    def __init__(
        self,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
        seed: int | None = None,
    ):
        self.temperature = validation.number("temperature", temperature, 0.0, exclusive=True)
        self.top_k = None if top_k is None else validation.positive_int("top_k", top_k)
        self.top_p = None if top_p is None else validation.fraction("top_p", top_p)
        self.seed = None if seed is None else validation.non_negative_int("seed", seed)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def draw_noise(self, batch_size: int, max_length: int):
        return keras.random.uniform((batch_size, max_length), seed=self.seed_generator)

    def __call__(self, step_fn, state, memory, source_mask, max_length, **kwargs) -> dict:
        return token_by_token(
            self.select, step_fn, state, memory, source_mask, max_length, **kwargs
        )

    def select(self, log_probs, noise):
        """Draws one token per row of `log_probs (batch, V)` with uniform `noise (batch,)`."""
        logits = log_probs / self.temperature
        if self.top_k is None and self.top_p is None:
            return inverse_cdf_sample(ops.softmax(logits, axis=-1), noise)
        k = logits.shape[-1] if self.top_k is None else min(self.top_k, logits.shape[-1])
        values, indices = ops.top_k(logits, k)
        if k == 1:
            return indices[:, 0]
        probabilities = ops.softmax(values, axis=-1)
        if self.top_p is not None:
            mass_before = ops.cumsum(probabilities, axis=-1) - probabilities
            probabilities = ops.where(mass_before < self.top_p, probabilities, 0.0)
        position = inverse_cdf_sample(probabilities, noise)
        return ops.take_along_axis(indices, ops.expand_dims(position, -1), axis=-1)[:, 0]

    def get_config(self) -> dict:
        return {
            "temperature": self.temperature,
            "top_k": self.top_k,
            "top_p": self.top_p,
            "seed": self.seed,
        }


@keras.saving.register_keras_serializable(package=_PACKAGE)
class BeamSearch(Sampler):
    """Beam search with GNMT length and coverage penalties (Wu et al. 2016).

    `score = log P(Y) / lp + cp` with `lp = ((5 + |Y|) / 6) ** length_penalty` and
    `cp = coverage_penalty * sum_i log(min(sum_j a_ij, 1))` over the non-padding source
    positions, where `|Y|` counts the generated tokens including the end token. A finished
    hypothesis is frozen; search ends when every hypothesis has finished or at `max_length`.

    Args:
        beam_width: hypotheses kept per row, a positive int.
        length_penalty: alpha >= 0; 0 ranks by log-probability alone.
        coverage_penalty: beta >= 0; needs a decoder with attention.
        n_best: how many of the best hypotheses to return per row (an n-best list sorted
            by score), at most `beam_width`.
        num_return: the deprecated name of `n_best`.

    Example:
    >>> sampler = BeamSearch(5, length_penalty=0.6, n_best=3)
    >>> outputs = model.generate(source_ids, sampler=sampler, max_length=30)
    >>> outputs["token_ids"].shape, outputs["scores"].shape
    ((batch, 3, 30), (batch, 3))
    """

    def __init__(
        self,
        beam_width: int = 5,
        length_penalty: float = 0.0,
        coverage_penalty: float = 0.0,
        n_best: int = 1,
        num_return: int | None = None,
    ):
        n_best = validation.renamed("num_return", num_return, "n_best", n_best, 1)
        self.beam_width = validation.positive_int("beam_width", beam_width)
        self.length_penalty = validation.number("length_penalty", length_penalty, 0.0)
        self.coverage_penalty = validation.number("coverage_penalty", coverage_penalty, 0.0)
        self.n_best = validation.positive_int("n_best", n_best)
        if n_best > beam_width:
            raise ValueError(
                "`n_best` must be at most `beam_width`. "
                f"Received: n_best={n_best!r}, beam_width={beam_width!r}"
            )

    def __call__(
        self,
        step_fn,
        state,
        memory,
        source_mask,
        max_length,
        min_length=0,
        return_attention=False,
        noise=None,
    ) -> dict:
        return beam_search(
            step_fn,
            state,
            memory,
            source_mask,
            max_length,
            beam_width=self.beam_width,
            length_penalty=self.length_penalty,
            coverage_penalty=self.coverage_penalty,
            n_best=self.n_best,
            min_length=min_length,
            return_attention=return_attention,
        )

    def get_config(self) -> dict:
        return {
            "beam_width": self.beam_width,
            "length_penalty": self.length_penalty,
            "coverage_penalty": self.coverage_penalty,
            "n_best": self.n_best,
        }

    @property
    def num_return(self) -> int:
        """The deprecated name of `n_best`."""
        validation.deprecated("BeamSearch.num_return", "BeamSearch.n_best")
        return self.n_best

    @classmethod
    def from_config(cls, config: dict) -> "BeamSearch":
        config = dict(config)
        if "num_return" in config:  # saved by 0.1
            config["n_best"] = config.pop("num_return")
        return cls(**config)


_NAMES = {"greedy": Greedy, "sampling": Sampling, "beam_search": BeamSearch}


def get(identifier) -> Sampler:
    """A sampler from an instance, a name (`"greedy"`, `"sampling"`, `"beam_search"`), a config
    dict from `keras.saving.serialize_keras_object`, or None (greedy)."""
    if identifier is None:
        return Greedy()
    if isinstance(identifier, Sampler):
        return identifier
    if isinstance(identifier, str) and identifier in _NAMES:
        return _NAMES[identifier]()
    if isinstance(identifier, dict):
        sampler = keras.saving.deserialize_keras_object(identifier)
        if isinstance(sampler, Sampler):
            return sampler
    options = ", ".join(repr(name) for name in _NAMES)
    raise ValueError(
        f"`sampler` must be a Sampler, one of {options}, a serialized sampler or None. "
        f"Received: sampler={identifier!r}"
    )
