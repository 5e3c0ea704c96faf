"""`generate`: decoding compiled for the active backend, for any model with a `search`.

`Seq2Seq` and `Ensemble` share it: each supplies `search_inputs` (the step function, initial
state, prepared memory and source mask a search starts from), `source_vocabulary_size`,
`has_attention`, and a `_generate_functions` dict that caches the compiled searches.
"""

import numpy as np
from keras import ops

from keras_seq2seq import samplers, validation
from keras_seq2seq.backend import compiled
from keras_seq2seq.data.arrays import check_ids


class Generator:
    """Adds `generate` and `search` to a `keras.Model` that defines `search_inputs`,
    `source_vocabulary_size`, `has_attention` and `_generate_functions` (see the module
    docstring)."""

    def generate(
        self,
        source_ids,
        sampler="greedy",
        max_length: int = 50,
        min_length: int = 0,
        return_attention: bool = False,
    ) -> dict:
        """Decodes `source_ids` with a sampler, compiled for the active backend.

        The search is traced once per sampler configuration, length and batch shape (TensorFlow
        `tf.function`, JAX `jax.jit`; PyTorch runs eagerly in `torch.inference_mode`) and reads the
        model's current weights on every call.

        Args:
            source_ids: int `(batch, S)`, right-padded with 0.
            sampler: a `keras_seq2seq.samplers` object (`Greedy()`, `Sampling(...)`,
                `BeamSearch(...)`), or `"greedy"`, `"sampling"`, `"beam_search"`.
            max_length: the most tokens per output, including the end token.
            min_length: the end token is not produced before this many tokens.
            return_attention: also return the attention weights of every output token (needs a
                decoder with attention).

        Returns:
            A dict of numpy arrays, hypotheses best first: `token_ids (batch, n_best,
            max_length)` int32, each hypothesis up to and including the end token (2), then
            padding (0); `lengths (batch, n_best)`, the tokens including the end token;
            `scores (batch, n_best)` float32 (summed log-probabilities, or the beam score);
            and with `return_attention`, `attention (batch, n_best, max_length, S)`.
            `n_best` is 1 except for `BeamSearch(n_best=...)`. A source of only padding
            gives an empty output (length 0); an empty batch `(0, S)` gives arrays with 0 rows.
        """
        sampler = samplers.get(sampler)
        validation.positive_int("max_length", max_length)
        validation.non_negative_int("min_length", min_length)
        if min_length > max_length:
            raise ValueError(
                "`min_length` must be at most `max_length`. "
                f"Received: min_length={min_length!r}, max_length={max_length!r}"
            )
        needs_attention = return_attention or getattr(sampler, "coverage_penalty", 0.0) > 0.0
        if needs_attention and not self.has_attention:
            raise ValueError(
                "`return_attention` and a coverage penalty need a decoder with attention. "
                f"Received: return_attention={return_attention!r}, sampler={sampler!r}"
            )
        source_ids = check_ids("source_ids", source_ids, self.source_vocabulary_size)
        if source_ids.ndim != 2:
            raise ValueError(
                f"`source_ids` must have shape (batch, S). Received shape {source_ids.shape}"
            )
        rows = source_ids.shape[0]
        if rows == 0:
            # TensorFlow cannot trace a search over zero rows (nor JAX a beam search): one row
            # of padding is searched instead and none of it returned, so every backend gives the
            # dtypes and trailing shapes of any other batch.
            source_ids = np.zeros((1, source_ids.shape[1]), "int32")
        options = (min_length, bool(return_attention))
        key = (repr(sampler), max_length, *options)
        if key not in self._generate_functions:
            self._generate_functions[key] = compiled.compile_inference(
                self,
                lambda ids, noise: self.search(ids, sampler, max_length, *options, noise=noise),
            )
        noise = sampler.draw_noise(source_ids.shape[0], max_length)
        outputs = self._generate_functions[key](source_ids.astype("int32"), noise)
        return {name: ops.convert_to_numpy(value)[:rows] for name, value in outputs.items()}

    def search(
        self,
        source_ids,
        sampler: samplers.Sampler,
        max_length: int,
        min_length: int = 0,
        return_attention: bool = False,
        noise=None,
    ) -> dict:
        """The search of `generate` on backend tensors, not compiled: what `generate` compiles
        and the SavedModel export traces. `noise` is `sampler.draw_noise(...)`; returns
        `generate`'s dict as backend tensors."""
        step, state, memory, mask = self.search_inputs(source_ids)
        return sampler(
            step,
            state,
            memory,
            mask,
            max_length,
            min_length=min_length,
            return_attention=return_attention,
            noise=noise,
        )
