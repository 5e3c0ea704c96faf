"""The layers of a sequence-to-sequence model."""

from keras_seq2seq.attention import BahdanauAttention, LuongAttention
from keras_seq2seq.decoder import Decoder
from keras_seq2seq.encoder import Encoder

__all__ = ["BahdanauAttention", "Decoder", "Encoder", "LuongAttention"]
