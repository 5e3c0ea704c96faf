"""The simple baselines of the applications, scored on their validation sets:

    python benchmarks/baselines.py --data ../shared/data

Summarization (`debian-summaries`): the lead of the description, its first sentence and its
first N words, with N chosen on valid by ROUGE-L (`baselines.lead`), scored with ROUGE-1/2/L and
BLEU. Code generation (`python-codegen`): the `def` line of the most similar training docstring
(`baselines.Retriever`, TF-IDF cosine), scored with `scores.code_scores`. Dialogue (English
chatterbot-corpus, `datasets.chatterbot_pairs`): the reply of the most similar training
utterance, scored with BLEU, chrF and distinct-1/2 (beside the references' own distinct-n).
Prints Markdown tables. Not a test: it needs the shared data folder and skips (exit 0) when it
is absent.
"""

import argparse
import os

from keras_seq2seq.baselines import Retriever, lead
from keras_seq2seq.data.dialogue import chatterbot_pairs
from keras_seq2seq.data.pipeline import read_tsv
from keras_seq2seq.scores import code_scores, corpus_scores, distinct_scores, rouge_scores

LEAD_WORDS = (5, 8, 10, 12, 15, 20, 25, 30)


def summarization_rows(data: str) -> list[tuple[str, dict]]:
    valid = read_tsv(os.path.join(data, "debian-summaries", "valid.tsv"))
    sources, references = [s for s, _ in valid], [t for _, t in valid]

    def scores(outputs):
        return {**rouge_scores(outputs, references), **corpus_scores(outputs, references)}

    rows = [("lead: first sentence", scores([lead(s) for s in sources]))]
    by_words = {n: scores([lead(s, words=n) for s in sources]) for n in LEAD_WORDS}
    best = max(by_words, key=lambda n: by_words[n]["rougeL"])
    rows.append((f"lead: first {best} words (N in {LEAD_WORDS} by ROUGE-L)", by_words[best]))
    return rows


def code_rows(data: str) -> list[tuple[str, dict]]:
    train = read_tsv(os.path.join(data, "python-codegen", "train.tsv"))
    valid = read_tsv(os.path.join(data, "python-codegen", "valid.tsv"))
    outputs = Retriever(train).predict([s for s, _ in valid])
    return [("retrieval: nearest docstring (TF-IDF)", code_scores(outputs, [t for _, t in valid]))]


def dialogue_rows() -> list[tuple[str, dict]]:
    valid = chatterbot_pairs("english", "valid")
    outputs = Retriever(chatterbot_pairs("english", "train")).predict([u for u, _ in valid])
    references = [r for _, r in valid]
    return [
        ("retrieval: nearest utterance (TF-IDF)",
         {**corpus_scores(outputs, references), **distinct_scores(outputs)}),
        ("(the references themselves)", {"bleu": 100.0, "chrf": 100.0,
                                         **distinct_scores(references)}),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data")
    args = parser.parse_args()
    if not os.path.isdir(os.path.join(args.data, "debian-summaries")):
        print(f"skipped: {args.data} has no debian-summaries")
        return
    print("| task | baseline | ROUGE-1 | ROUGE-2 | ROUGE-L | BLEU |")
    print("|---|---|---|---|---|---|")
    for name, s in summarization_rows(args.data):
        print(f"| summarization | {name} | {s['rouge1']:.1f} | {s['rouge2']:.1f} "
              f"| {s['rougeL']:.1f} | {s['bleu']:.1f} |")  # fmt: skip
    print("\n| task | baseline | line exact | name exact | arguments exact | BLEU | parses |")
    print("|---|---|---|---|---|---|---|")
    for name, s in code_rows(args.data):
        print(f"| code generation | {name} | {100 * s['line_exact']:.1f}% "
              f"| {100 * s['name_exact']:.1f}% | {100 * s['arguments_exact']:.1f}% "
              f"| {s['bleu']:.1f} | {100 * s['parses']:.1f}% |")  # fmt: skip
    print("\n| task | baseline | BLEU | chrF | distinct-1 | distinct-2 |")
    print("|---|---|---|---|---|---|")
    for name, s in dialogue_rows():
        print(f"| dialogue | {name} | {s['bleu']:.1f} | {s['chrf']:.1f} "
              f"| {s['distinct_1']:.3f} | {s['distinct_2']:.3f} |")  # fmt: skip


if __name__ == "__main__":
    main()
