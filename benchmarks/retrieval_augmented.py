"""Retrieval-augmented code generation data: each docstring followed by the `def` line of its
nearest training docstring, so a copy-attention model can copy and edit a real signature
(retrieve and edit; Hashimoto et al. 2018) instead of writing one from nothing:

    python benchmarks/retrieval_augmented.py --data ../shared/data/python-codegen \\
        --out runs/codegen-retrieval-data

writes `train.tsv` and `valid.tsv` there, sources as `docstring || retrieved def line`. The
retriever is `benchmarks/baselines.py`'s (`baselines.Retriever`, TF-IDF cosine); each training
pair gets its nearest *other* training pair (leave-one-out), so training sees retrievals as
imperfect as validation's. Train and evaluate on the output with the usual commands (README,
"Applications"); the model then needs the same retrieval in front of it when it is served.
Reading all 25,000 training pairs' neighbours takes several minutes of pure Python.
"""

import argparse
import os

from keras_seq2seq.baselines import Retriever
from keras_seq2seq.data.pipeline import read_tsv

SEPARATOR = " || "


def augmented(pairs: list[tuple[str, str]], retrieved: list[str]) -> str:
    """TSV text of the pairs with each source followed by `SEPARATOR` and its retrieved line."""
    return "".join(
        f"{source}{SEPARATOR}{line}\t{target}\n"
        for (source, target), line in zip(pairs, retrieved, strict=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data/python-codegen")
    parser.add_argument("--out", default="runs/codegen-retrieval-data")
    args = parser.parse_args()
    train = read_tsv(os.path.join(args.data, "train.tsv"))
    valid = read_tsv(os.path.join(args.data, "valid.tsv"))
    retriever = Retriever(train)
    sources = [source for source, _ in train]
    os.makedirs(args.out, exist_ok=True)
    for name, pairs, retrieved in [
        ("train", train, retriever.predict(sources, exclude=list(range(len(train))))),
        ("valid", valid, retriever.predict([source for source, _ in valid])),
    ]:
        with open(os.path.join(args.out, f"{name}.tsv"), "w", encoding="utf-8") as file:
            file.write(augmented(pairs, retrieved))
        print(f"{name}: {len(pairs)} pairs written to {args.out}/{name}.tsv")


if __name__ == "__main__":
    main()
