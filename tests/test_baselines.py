"""Baselines: the lead of a text, and TF-IDF retrieval of the nearest training pair's target."""

from helpers import assert_rejected

from keras_seq2seq.baselines import Retriever, lead

DESCRIPTION = "A media player, e.g. for video. Version 2.1 plays files. It is small!"


def test_lead_is_the_first_sentence_or_the_first_words():
    assert lead(DESCRIPTION) == "A media player, e.g. for video."
    assert lead("  One sentence only  ") == "One sentence only"
    assert lead(DESCRIPTION, words=3) == "A media player,"
    assert_rejected(lambda: lead(DESCRIPTION, words=0), "words=0")


def test_retrieval_returns_the_target_of_the_most_similar_source():
    pairs = [
        ("Close the file.", "def close(self):"),
        ("Open a URL in the browser.", "def open(url):"),
        ("Close the socket and the file.", "def shutdown(sock):"),
    ]
    retriever = Retriever(pairs)
    assert retriever.predict(["close file", "open the URL", "socket", "zzz"]) == [
        "def close(self):",  # "the", in every source, weighs least
        "def open(url):",
        "def shutdown(sock):",
        "def close(self):",  # no shared word: the most common target (the first on a tie)
    ]
    assert_rejected(lambda: Retriever([]), r"pairs=\[\]")


def test_retrieval_can_leave_each_training_pair_out():
    pairs = [("Close the file.", "def close(self):"), ("Close the socket.", "def shutdown(sock):")]
    retriever = Retriever(pairs)
    sources = [source for source, _ in pairs]
    assert retriever.predict(sources) == ["def close(self):", "def shutdown(sock):"]
    assert retriever.predict(sources, exclude=[0, 1]) == ["def shutdown(sock):", "def close(self):"]
    assert_rejected(lambda: retriever.predict(sources, exclude=[0]), "one index per source")
