"""The layers of a sequence-to-sequence model: attention, the encoder and the decoder.

`cells` holds what the encoder and decoder share about RNN kinds; `step_loop` is the decoder's
training loop over time (teacher forcing and scheduled sampling).
"""

from keras_seq2seq.layers.attention import BahdanauAttention, LuongAttention
from keras_seq2seq.layers.decoder import Decoder
from keras_seq2seq.layers.encoder import Encoder

__all__ = ["BahdanauAttention", "Decoder", "Encoder", "LuongAttention"]
