"""Simple baselines that a seq2seq model must beat on each task: the lead of a text (its first
sentence, or its first words) for summarization, and retrieval (the target of the most similar
training source) for code generation and dialogue."""

import collections
import math
import re

from keras_seq2seq import validation
from keras_seq2seq.scores import UnicodeWords

# A sentence ends at ., ! or ? followed by a space and an upper-case letter or digit (so
# "e.g. the" and "v1.2" do not end one).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
# Retrieval matches the words ROUGE counts: lowercased Unicode word runs.
_words = UnicodeWords().tokenize


def lead(text: str, words: int | None = None) -> str:
    """The first sentence of `text`, or with `words`, its first `words` words (split on
    whitespace, as written).

    Example:
    ```python
    lead("A media player. It plays files.")  # "A media player."
    lead("A media player. It plays files.", words=2)  # "A media"
    ```
    """
    if words is not None:
        validation.positive_int("words", words)
        return " ".join(text.split()[:words])
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


class Retriever:
    """Answers a source with the target of the most similar training source: TF-IDF weighted
    cosine similarity over lowercased Unicode words (ties go to the earlier pair; a source that
    shares no word with any gets the most common target).

    Args:
        pairs: the training `(source, target)` strings.

    Example:
    ```python
    pairs = [("Close the file.", "def close(self):"), ("Open a URL.", "def open(url):")]
    retriever = Retriever(pairs)
    retriever.predict(["Close it."])  # ["def close(self):"]
    ```
    """

    def __init__(self, pairs: list[tuple[str, str]]):
        if not pairs:
            raise ValueError("Retriever needs at least one pair. Received: pairs=[]")
        self.pairs = pairs
        counts = [collections.Counter(_words(source)) for source, _ in pairs]
        document_frequency = collections.Counter(word for c in counts for word in c)
        self._idf = {w: math.log(len(pairs) / n) + 1.0 for w, n in document_frequency.items()}
        self._postings = collections.defaultdict(list)
        for index, count in enumerate(counts):
            vector = self._vector(count)
            for word, weight in vector.items():
                self._postings[word].append((index, weight))
        self._fallback = collections.Counter(t for _, t in pairs).most_common(1)[0][0]

    def _vector(self, count: collections.Counter) -> dict[str, float]:
        vector = {w: n * self._idf[w] for w, n in count.items() if w in self._idf}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {w: v / norm for w, v in vector.items()}

    def predict(self, sources: list[str], exclude: list[int] | None = None) -> list[str]:
        """The retrieved target of each source.

        Args:
            sources: the texts to answer.
            exclude: for each source, the index of a training pair it may not retrieve
                (leave-one-out: `predict(training sources, exclude=range(len(pairs)))` gives
                each training pair its nearest other pair).

        Returns:
            One training target per source.
        """
        if exclude is not None and len(exclude) != len(sources):
            raise ValueError(
                f"`exclude` needs one index per source ({len(sources)}). Received "
                f"{len(exclude)} indices."
            )
        outputs = []
        for position, source in enumerate(sources):
            scores = collections.defaultdict(float)
            for word, weight in self._vector(collections.Counter(_words(source))).items():
                for index, other in self._postings[word]:
                    scores[index] += weight * other
            if exclude is not None:
                scores.pop(exclude[position], None)
            if scores:
                best = max(scores.items(), key=lambda item: (item[1], -item[0]))[0]
                outputs.append(self.pairs[best][1])
            else:
                outputs.append(self._fallback)
        return outputs
