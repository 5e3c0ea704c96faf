"""Corpus BLEU and chrF: sacreBLEU's scores, from 0 to 100, of outputs paired with references."""

import pytest
from helpers import assert_rejected

from keras_seq2seq.scores import corpus_scores


def test_identical_outputs_score_100_and_disjoint_ones_0():
    same = ["die Datei wurde nicht gefunden", "Änderungen werden nicht gespeichert"]
    assert corpus_scores(same, same) == {
        "bleu": pytest.approx(100.0),
        "chrf": pytest.approx(100.0),
    }
    assert corpus_scores(["xyz qqq"], ["Datei öffnen"]) == {"bleu": 0.0, "chrf": 0.0}


def test_a_partial_match_scores_between():
    scores = corpus_scores(["die Datei wurde nicht gefunden"], ["die Datei wurde gefunden"])
    assert 0.0 < scores["bleu"] < 100.0 and 0.0 < scores["chrf"] < 100.0
    assert scores == pytest.approx({"bleu": 42.73, "chrf": 81.14}, abs=0.01)


def test_outputs_and_references_must_pair_up():
    assert_rejected(lambda: corpus_scores(["a"], ["a", "b"]), "1 hypotheses and 2 references")
