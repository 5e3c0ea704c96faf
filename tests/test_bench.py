"""The benchmark's inputs: the standard shape, and longer sources (its figures are not tested)."""

import numpy as np

from keras_seq2seq.cli import bench


def test_standard_batch_has_the_peer_shape_or_longer_sources():
    (source, decoder_input), labels = bench.standard_batch()
    assert source.shape == (bench.BATCH, bench.SOURCE_LEN)
    assert decoder_input.shape == labels.shape == (bench.BATCH, bench.TARGET_LEN)
    assert np.all(decoder_input[:, 0] == 1) and np.all(decoder_input[:, 1:] == labels[:, :-1])
    (long_source, _), _ = bench.standard_batch(source_length=300)
    assert long_source.shape == (bench.BATCH, 300) and long_source.min() >= 4
