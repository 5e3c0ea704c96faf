"""`Ensemble`: several trained `Seq2Seq` models decoding together."""

import math

import keras
from keras import ops

from keras_seq2seq.generation import Generator
from keras_seq2seq.model import Seq2Seq


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class Ensemble(Generator, keras.Model):
    """Decodes with the average of several models' next-token distributions.

    At each step every member runs its own decoder step on the same previous token, with its own
    state and encoder memory, and the ensemble's log-probabilities are
    `log(mean_i softmax(logits_i))` (the probability average of OpenNMT and Marian). Greedy
    search, sampling and beam search run on it unchanged. The attention weights returned (for
    `return_attention` and coverage penalties) are the members' mean, available when every
    member has attention. The members read the same source ids and write the same target ids,
    so their vocabulary sizes must match (and their vocabularies be the same, which `Translator`
    and the command line check); architectures may differ.

    Args:
        models: one or more `Seq2Seq` models, usually trained separately.
        **kwargs: base `keras.Model` arguments.

    Example:
    ```python
    ensemble = Ensemble([model_a, model_b])
    outputs = ensemble.generate(source_ids, sampler=samplers.BeamSearch(5), max_length=30)
    ```
    """

    def __init__(self, models: list[Seq2Seq], **kwargs):
        super().__init__(**kwargs)
        models = list(models) if isinstance(models, (list, tuple)) else models
        if not isinstance(models, list) or not models:
            raise ValueError(f"`models` must be a non-empty list of Seq2Seq. Received: {models!r}")
        for index, model in enumerate(models):
            if not isinstance(model, Seq2Seq):
                raise ValueError(f"`models[{index}]` must be a Seq2Seq. Received: {model!r}")
        for name in ("source_vocabulary_size", "target_vocabulary_size"):
            sizes = [getattr(model, name) for model in models]
            if len(set(sizes)) > 1:
                raise ValueError(
                    "An ensemble's members must share their vocabularies, so their vocabulary "
                    f"sizes must be equal. Received: {name} {sizes}"
                )
        self.models = models
        self._generate_functions = {}

    @property
    def source_vocabulary_size(self) -> int:
        return self.models[0].source_vocabulary_size

    @property
    def target_vocabulary_size(self) -> int:
        return self.models[0].target_vocabulary_size

    @property
    def has_attention(self) -> bool:
        return all(model.has_attention for model in self.models)

    @property
    def needs_joint_vocabulary(self) -> bool:
        """Whether any member needs one vocabulary for source and target."""
        return any(model.needs_joint_vocabulary for model in self.models)

    @property
    def rnn_layers(self) -> list:
        return [layer for model in self.models for layer in model.rnn_layers]

    def step(self, token_ids, state, memory):
        """One step of every member: `(log-probabilities (batch, V), state, weights)`, where
        `state` and `memory` hold one entry per member."""
        log_probabilities, new_state, weights = [], [], []
        for model, member_state, member_memory in zip(self.models, state, memory, strict=True):
            logits, member_state, member_weights = model.decoder.step(
                token_ids, member_state, member_memory
            )
            log_probabilities.append(ops.log_softmax(ops.cast(logits, "float32"), axis=-1))
            new_state.append(member_state)
            weights.append(member_weights)
        mixed = ops.logsumexp(ops.stack(log_probabilities), axis=0) - math.log(len(self.models))
        if any(w is None for w in weights):
            return mixed, tuple(new_state), None
        mean_weights = ops.mean(ops.stack([ops.cast(w, "float32") for w in weights]), axis=0)
        return mixed, tuple(new_state), mean_weights

    def search_inputs(self, source_ids) -> tuple:
        """`Seq2Seq.search_inputs` of the ensemble: its `step`, and every member's initial
        state and prepared memory."""
        starts = [model.search_inputs(source_ids) for model in self.models]
        states = tuple(start[1] for start in starts)
        return self.step, states, tuple(start[2] for start in starts), starts[0][3]

    def get_config(self) -> dict:
        config = super().get_config()
        config["models"] = [keras.saving.serialize_keras_object(m) for m in self.models]
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Ensemble":
        config = dict(config)
        config["models"] = [keras.saving.deserialize_keras_object(m) for m in config["models"]]
        return cls(**config)
