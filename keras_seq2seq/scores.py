"""Corpus BLEU and chrF of translations against their references, with sacreBLEU's defaults."""

import sacrebleu


def corpus_scores(hypotheses: list[str], references: list[str]) -> dict[str, float]:
    """sacreBLEU's corpus BLEU (13a tokenization) and chrF, each from 0 to 100.

    Args:
        hypotheses: one output per source.
        references: one reference per source, in the same order.

    Returns:
        `{"bleu": float, "chrf": float}`.

    Example:
    ```python
    corpus_scores(["Datei öffnen"], ["Datei öffnen"])  # {"bleu": 100.0, "chrf": 100.0}
    ```
    """
    if len(hypotheses) != len(references):
        raise ValueError(
            "hypotheses and references must pair up. Received: "
            f"{len(hypotheses)} hypotheses and {len(references)} references"
        )
    return {
        "bleu": sacrebleu.corpus_bleu(hypotheses, [references]).score,
        "chrf": sacrebleu.corpus_chrf(hypotheses, [references]).score,
    }
