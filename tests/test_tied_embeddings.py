"""Tied embeddings: the decoder projects with its transposed embedding matrix."""

import keras
import numpy as np
import pytest
from helpers import assert_config_round_trip, assert_rejected
from keras import ops

from keras_seq2seq import Seq2Seq, Translator
from keras_seq2seq.data.arrays import add_start_and_end
from keras_seq2seq.layers.decoder import Decoder
from keras_seq2seq.layers.encoder import Encoder
from keras_seq2seq.text import TextProcessor

SOURCE = np.array([[5, 6, 7, 0], [4, 5, 6, 7]], "int32")
ROWS = [[8, 9], [4, 4, 4]]


def _model(tie=True, **decoder_kwargs):
    decoder = Decoder(20, 8, 6, attention="luong", attention_layer_size=8,
                      tie_embeddings=tie, **decoder_kwargs)  # fmt: skip
    return Seq2Seq(Encoder(20, 8, 6), decoder)


def test_logits_are_the_output_times_the_transposed_embeddings():
    model = _model()
    decoder_input, _ = add_start_and_end(ROWS)
    model((SOURCE, decoder_input))
    decoder = model.decoder
    decoder.output_bias.assign(np.arange(20, dtype="float32") / 10)
    state, memory, _ = model.search_inputs(SOURCE)[1:]
    output, _, _, _ = decoder.cell_step(decoder.embedding(decoder_input[:, 0]), state, memory, {})
    embeddings = ops.convert_to_numpy(decoder.embedding.embeddings)
    expected = ops.convert_to_numpy(output) @ embeddings.T + np.arange(20) / 10
    logits, _, _ = decoder.step(decoder_input[:, 0], state, memory)
    np.testing.assert_allclose(ops.convert_to_numpy(logits), expected, rtol=1e-5, atol=1e-6)
    untied = _model(tie=False)
    untied((SOURCE, decoder_input))
    assert untied.count_params() - model.count_params() == 8 * 20  # the kernel, not the bias


@pytest.mark.parametrize("teacher_forcing_ratio", [1.0, 0.5])
def test_training_moves_the_shared_matrix_and_saving_keeps_it(tmp_path, teacher_forcing_ratio):
    model = _model(copy_attention=True)
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    model.teacher_forcing_ratio.assign(teacher_forcing_ratio)
    decoder_input, labels = add_start_and_end(ROWS)
    model((SOURCE, decoder_input))
    before = ops.convert_to_numpy(model.decoder.embedding.embeddings).copy()
    model.fit((SOURCE, decoder_input), labels, epochs=2, verbose=0)
    after = ops.convert_to_numpy(model.decoder.embedding.embeddings)
    # Ids never fed as decoder input (10-19) move only through the projection's gradient.
    assert not np.allclose(before[10:], after[10:])
    model.save(tmp_path / "tied.keras")
    loaded = keras.saving.load_model(tmp_path / "tied.keras")
    np.testing.assert_allclose(
        ops.convert_to_numpy(loaded((SOURCE, decoder_input))),
        ops.convert_to_numpy(model((SOURCE, decoder_input))),
        rtol=1e-5,
        atol=1e-5,
    )


def test_bad_arguments_and_config():
    assert_rejected(
        lambda: Decoder(20, 8, 6, attention="luong", tie_embeddings=True),
        "must equal embedding_dim=8; it is 6",
    )
    decoder = assert_config_round_trip(Decoder(20, 8, 8, tie_embeddings=True))
    assert decoder.tie_embeddings


def _shared(**kwargs):
    decoder = Decoder(20, 8, 6, attention="luong", attention_layer_size=8, tie_embeddings=True)
    return Seq2Seq(Encoder(20, 8, 6), decoder, share_embeddings=True, **kwargs)


def test_shared_embeddings_are_one_table_for_source_target_and_projection(tmp_path):
    model = _shared()
    assert model.encoder.embedding is model.decoder.embedding
    tied = _model()
    decoder_input, labels = add_start_and_end(ROWS)
    for each in (model, tied):
        each((SOURCE, decoder_input))
    assert tied.count_params() - model.count_params() == 20 * 8  # the source table
    embedded = ops.convert_to_numpy(model.encoder.embedding(SOURCE))
    table = ops.convert_to_numpy(model.decoder.embedding.embeddings)
    np.testing.assert_array_equal(embedded, table[SOURCE])
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    model.fit((SOURCE, decoder_input), labels, epochs=2, verbose=0)
    model.save(tmp_path / "shared.keras")
    loaded = keras.saving.load_model(tmp_path / "shared.keras")
    assert loaded.share_embeddings and loaded.encoder.embedding is loaded.decoder.embedding
    assert len(loaded.weights) == len(model.weights)
    np.testing.assert_allclose(
        ops.convert_to_numpy(loaded((SOURCE, decoder_input))),
        ops.convert_to_numpy(model((SOURCE, decoder_input))),
        rtol=1e-5,
        atol=1e-5,
    )


def test_shared_embeddings_need_one_shape():
    assert_rejected(
        lambda: Seq2Seq(Encoder(21, 8, 6), Decoder(20, 8, 6), share_embeddings=True),
        r"Received: encoder \(21, 8\), decoder \(20, 8\)",
    )
    assert_rejected(
        lambda: Encoder(20, 8, 6).share_embedding(keras.layers.Embedding(20, 4)),
        r"Received: embedding of shape \(20, 4\)",
    )


@pytest.mark.parametrize("share, copy", [(True, False), (False, True)])
def test_a_translator_refuses_two_vocabularies_for_one_id_space(share, copy):
    source, target = TextProcessor("word"), TextProcessor("word")
    source.adapt(["open the file"])
    target.adapt(["Datei öffnen jetzt"])
    size = source.vocabulary_size
    assert target.vocabulary_size == size
    decoder = Decoder(size, 8, 6, attention="luong", copy_attention=copy)
    model = Seq2Seq(Encoder(size, 8, 6), decoder, share_embeddings=share)
    assert model.needs_joint_vocabulary
    assert_rejected(lambda: Translator(source, target, model), "theirs differ")
    Translator(source, source, model)  # one vocabulary for both sides
