"""String pairs to `fit`-ready batches: TSV reading, length limits, bucketing, shuffling."""

import numpy as np
import pytest
import tensorflow as tf
from conftest import random_batch, tiny_model
from helpers import assert_rejected

from keras_seq2seq import datasets, pipeline
from keras_seq2seq.data.text import TextProcessor

PAIRS = datasets.spelled_digits(300, max_length=12, seed=0)


@pytest.fixture(scope="module")
def processors():
    source = TextProcessor("character", max_vocabulary_size=20)
    source.adapt(s for s, _ in PAIRS)
    target = TextProcessor("word", max_vocabulary_size=20)
    target.adapt(t for _, t in PAIRS)
    return source, target


def _batches(dataset):
    return [((s.numpy(), d.numpy()), y.numpy()) for (s, d), y in dataset]


def test_batches_are_dense_int32_with_start_and_end(processors):
    source, target = processors
    dataset = pipeline.text_pairs_dataset(PAIRS, source, target, batch_size=32, seed=0)
    batches = _batches(dataset)
    assert len(batches) == int(dataset.cardinality())
    assert sum((s[:, 0] != 0).sum() for (s, _), _ in batches) == len(PAIRS)
    widest = [max(s.shape[1] for (s, _), _ in batches), max(y.shape[1] for _, y in batches)]
    texts = set()
    for (source_ids, decoder_inputs), labels in batches:
        assert source_ids.dtype == decoder_inputs.dtype == labels.dtype == np.int32
        assert decoder_inputs.shape == labels.shape
        # A padded length, or the longest in the data where that is shorter.
        for ids, most in zip((source_ids, labels), widest, strict=True):
            assert ids.shape[1] in pipeline.PADDED_LENGTHS or ids.shape[1] == most
        real = labels[:, 0] != 0  # the rest fill the batch: all padding
        assert len(labels) == 32 and not (source_ids[~real].any() or labels[~real].any())
        source_ids, decoder_inputs, labels = source_ids[real], decoder_inputs[real], labels[real]
        assert np.all(decoder_inputs[:, 0] == 1)
        # Labels are the decoder inputs shifted left, ending with the end token (2).
        lengths = (labels != 0).sum(1)
        assert np.all(labels[np.arange(len(labels)), lengths - 1] == 2)
        np.testing.assert_array_equal(
            decoder_inputs[:, 1:][labels[:, :-1] != 2], labels[:, :-1][labels[:, :-1] != 2]
        )
        texts.update(s.decode() for s in source.detokenize(source_ids).numpy())
    assert texts == {s for s, _ in PAIRS}


def test_batches_are_filled_to_one_size_and_never_padded_past_the_longest(processors):
    source, target = processors
    pairs = [*PAIRS[:50], ("7" * 13, "seven")]  # the one 13-character source: padded to 13
    dataset = pipeline.text_pairs_dataset(pairs, source, target, batch_size=16, seed=0)
    batches = _batches(dataset)
    assert {len(labels) for _, labels in batches} == {16}
    assert max(s.shape[1] for (s, _), _ in batches) == 13
    unfilled = pipeline.text_pairs_dataset(pairs, source, target, 16, seed=0, fill_batches=False)
    assert sum(len(labels) for _, labels in _batches(unfilled)) == len(pairs)


def test_filler_rows_change_no_training_step():
    # What the filled last batch of a bucket relies on: all-padding rows add nothing to the loss,
    # metrics or gradients, with copy attention's mixed distribution and the coverage loss too.
    (source, decoder_inputs), labels = random_batch(batch=5, vocabulary_size=20, seed=1)
    filled = [np.pad(a, [(0, 3), (0, 0)]) for a in (source, decoder_inputs, labels)]
    results, start = [], None
    for (s, d), y in [((source, decoder_inputs), labels), ((filled[0], filled[1]), filled[2])]:
        model = tiny_model(copy_attention=True, coverage_loss_weight=0.5)
        model((s, d))
        start = start or model.get_weights()  # both models start from the same weights
        model.set_weights(start)
        model.compile(optimizer="sgd", jit_compile=False)
        logs = model.train_on_batch((s, d), y, return_dict=True)
        results.append((logs, model.get_weights()))
    (logs, weights), (filled_logs, filled_weights) = results
    for name in ("loss", "accuracy", "exact_match"):
        np.testing.assert_allclose(filled_logs[name], logs[name], rtol=1e-5, atol=1e-7)
    for weight, filled_weight in zip(weights, filled_weights, strict=True):
        np.testing.assert_allclose(filled_weight, weight, atol=1e-6)


def test_bucketing_keeps_padding_small(processors):
    source, target = processors
    dataset = pipeline.text_pairs_dataset(PAIRS, source, target, batch_size=16, seed=0)
    real = padded = 0
    for (_, _), labels in _batches(dataset):
        real += (labels != 0).sum()
        padded += labels.size
    unbucketed = len(PAIRS) * 24  # everything padded to the longest target (13 -> 16 -> 24)
    assert padded < 0.75 * unbucketed and real / padded > 0.5


def test_shuffle_is_seeded_and_changes_each_epoch(processors):
    source, target = processors

    def order(seed):
        dataset = pipeline.text_pairs_dataset(PAIRS, source, target, batch_size=8, seed=seed)
        return [[b[0][0][:, 0].tolist() for b in _batches(dataset)] for _ in range(2)]

    first, again = order(3), order(3)
    assert first == again and first[0] != first[1]
    unshuffled = pipeline.text_pairs_dataset(PAIRS, source, target, batch_size=8, shuffle=False)
    assert _batches(unshuffled)[0][0][0].tolist() == _batches(unshuffled)[0][0][0].tolist()


def test_truncation_is_counted_and_stated(processors):
    source, target = processors
    with pytest.warns(UserWarning, match=r"(\d+) sources and (\d+) targets truncated"):
        sources, targets, report = pipeline.tokenize_pairs(
            PAIRS, source, target, max_source_length=5, max_target_length=4
        )
    long_sources = sum(len(s) > 5 for s, _ in PAIRS)
    long_targets = sum(len(t.split()) > 3 for _, t in PAIRS)
    assert report == pipeline.LengthReport(len(PAIRS), len(PAIRS), long_sources, long_targets, 0)
    assert max(map(len, sources)) == 5 and max(map(len, targets)) == 3  # + end token = 4


def test_drop_is_counted(processors):
    source, target = processors
    with pytest.warns(UserWarning, match="pairs dropped"):
        dataset = pipeline.text_pairs_dataset(
            PAIRS, source, target, max_source_length=5, too_long="drop"
        )
    kept = sum(len(s) <= 5 for s, _ in PAIRS)
    assert sum((labels[:, 0] != 0).sum() for _, labels in _batches(dataset)) == kept


def test_no_warning_when_nothing_is_cut(processors, recwarn):
    source, target = processors
    pipeline.tokenize_pairs(PAIRS, source, target, max_source_length=12)
    assert not [w for w in recwarn if "Length limits" in str(w.message)]


def test_fit_takes_a_dataset_without_a_shuffle_warning(recwarn):
    model = tiny_model()
    model.compile()
    dataset = tf.data.Dataset.from_tensor_slices(random_batch()).batch(3)
    model.fit(dataset, epochs=1, verbose=0)
    assert not [w for w in recwarn if "shuffle" in str(w.message)]


def test_tsv_and_tf_data_inputs_match_a_list(tmp_path, processors):
    source, target = processors
    path = tmp_path / "pairs.tsv"
    lines = "".join(f"{s}\t{t}\n" for s, t in PAIRS[:20]) + "\n"
    path.write_text("\ufeff" + lines, encoding="utf-8")  # with a byte-order mark
    assert pipeline.read_tsv(path) == PAIRS[:20]
    as_dataset = tf.data.Dataset.from_tensor_slices(
        ([s for s, _ in PAIRS[:20]], [t for _, t in PAIRS[:20]])
    )
    expected = pipeline.tokenize_pairs(PAIRS[:20], source, target)
    for pairs in (str(path), path, as_dataset):
        got = pipeline.tokenize_pairs(pairs, source, target)
        assert [a.tolist() for a in got[0]] == [a.tolist() for a in expected[0]]
        assert [a.tolist() for a in got[1]] == [a.tolist() for a in expected[1]]


def test_tsv_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("a\tb\nno tab here\n", encoding="utf-8")
    assert_rejected(lambda: pipeline.read_tsv(path), r"bad.tsv:2: .*no tab")
    with pytest.raises(FileNotFoundError, match="missing.tsv"):
        pipeline.read_tsv(tmp_path / "missing.tsv")


def test_bad_arguments(processors):
    source, target = processors
    assert_rejected(
        lambda: pipeline.text_pairs_dataset(PAIRS, source, target, too_long="wrap"), "too_long"
    )
    assert_rejected(
        lambda: pipeline.text_pairs_dataset(PAIRS, source, target, batch_size=0), "batch_size"
    )
    assert_rejected(
        lambda: pipeline.text_pairs_dataset(PAIRS, source, target, max_source_length=0),
        "max_source_length",
    )
    assert_rejected(
        lambda: pipeline.text_pairs_dataset(PAIRS, source, target, max_target_length=1),
        "max_target_length=1",
    )
    for bad in (["ab"], [("a", "b", "c")], [("a", 1)]):
        assert_rejected(
            lambda bad=bad: pipeline.text_pairs_dataset(bad, source, target),
            r"\(source, target\) string pairs. Received",
        )
    assert_rejected(lambda: pipeline.text_pairs_dataset([], source, target), "no pairs")
