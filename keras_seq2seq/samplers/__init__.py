"""Decoding strategies for `Seq2Seq.generate`, and the search loops behind them.

`strategies` holds the public objects (`Greedy`, `Sampling`, `BeamSearch`); `token_by_token` is
the loop shared by greedy search and sampling; `beam_search` is the beam loop with its penalties
and back-tracking. None of them knows the model: they see a decoder step function.
"""

from keras_seq2seq.samplers.strategies import BeamSearch, Greedy, Sampler, Sampling, get

__all__ = ["BeamSearch", "Greedy", "Sampler", "Sampling", "get"]
