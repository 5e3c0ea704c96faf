"""Task scores: BLEU and chrF (sacreBLEU), ROUGE (rouge-score), code matches, distinct-n."""

import pytest
import sacrebleu
from helpers import assert_rejected

from keras_seq2seq.scores import (
    UnicodeWords,
    code_scores,
    corpus_scores,
    distinct_scores,
    parses,
    rouge_scores,
    signature,
    task_scores,
)


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
    for score in (corpus_scores, rouge_scores, code_scores):
        assert_rejected(lambda score=score: score([], []), "0 references")


def test_rouge_keeps_non_ascii_words_and_pins_a_hand_count():
    # "media player" against "command line media player": unigram P 2/2, R 2/4 -> F 2/3; one
    # bigram of one in the output and of three in the reference -> F 1/2.
    scores = rouge_scores(["media player"], ["command line media player"])
    assert scores == pytest.approx({"rouge1": 200 / 3, "rouge2": 50.0, "rougeL": 200 / 3})
    assert UnicodeWords().tokenize("Grüße, Überblick!") == ["grüße", "überblick"]
    assert rouge_scores(["Übersicht der Größen"], ["übersicht der größen"])["rouge1"] == 100.0


def test_code_scores_compare_names_and_argument_lists():
    hypotheses = ["def close():", "def f(a,b=1) -> int:", "def g(x", "class A:"]
    references = ["def close(self):", "def f(a, b=1):", "def g(x):", "def h():"]
    assert code_scores(hypotheses, references) == pytest.approx(
        {
            "line_exact": 0.0,
            "name_exact": 3 / 4,  # close, f, and g read from the truncated line
            "arguments_exact": 1 / 4,  # only f's, normalized by ast.unparse
            "bleu": sacrebleu.corpus_bleu(hypotheses, [references]).score,
            "parses": 2 / 4,  # a class line and a truncated line are no function definitions
        }
    )
    assert signature("async def run(self, *args, **kw) -> None:") == ("run", "self, *args, **kw")
    assert signature("def h(x, y:") == ("h", None) and not parses("def h(x, y:")
    assert not parses("if x:") and signature("class A(B):") == (None, None)


def test_distinct_n_counts_varied_words():
    assert distinct_scores(["i am fine", "i am here"]) == {"distinct_1": 4 / 6, "distinct_2": 3 / 4}
    assert distinct_scores(["ok"] * 3)["distinct_1"] == pytest.approx(1 / 3)


def test_task_scores_add_each_tasks_metrics():
    same = ["the file was not found here"]
    assert set(task_scores("summarization", same, same)) == {"bleu", "chrf", "rouge1", "rouge2",
                                                              "rougeL"}  # fmt: skip
    assert set(task_scores("dialogue", same, same)) == {"bleu", "chrf", "distinct_1", "distinct_2"}
    assert task_scores("code", ["def f():"], ["def f():"])["line_exact"] == 1.0
    assert_rejected(lambda: task_scores("poetry", same, same), "metric='poetry'")
