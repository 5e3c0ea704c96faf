"""Corpus scores of outputs against references, per task: translation (sacreBLEU's BLEU and
chrF), summarization (ROUGE, from `rouge-score`), code generation (exact matches of the line,
the function name and the argument list, BLEU, and the share that parses as Python) and
dialogue (distinct-n)."""

import ast
import re

import sacrebleu

from keras_seq2seq.choices import METRICS

_DEF_NAME = re.compile(r"\s*(?:async\s+)?def\s+(\w+)")
_DEF_ARGUMENTS = re.compile(r"\s*(?:async\s+)?def\s+\w+\s*\((.*)\)\s*(?:->.*)?:\s*$")


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
    _check_pairs(hypotheses, references)
    return {
        "bleu": sacrebleu.corpus_bleu(hypotheses, [references]).score,
        "chrf": sacrebleu.corpus_chrf(hypotheses, [references]).score,
    }


class UnicodeWords:
    """ROUGE's tokenizer here: lowercased runs of Unicode word characters (`\\w+`), without
    stemming. rouge-score's default keeps only `[a-z0-9]`, which drops every non-ASCII word."""

    def tokenize(self, text: str) -> list[str]:
        """The lowercased words of `text`, in order."""
        return re.findall(r"\w+", text.lower())


def rouge_scores(hypotheses: list[str], references: list[str]) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F-measures (`rouge-score`, tokenized by `UnicodeWords`),
    averaged over the pairs, from 0 to 100.

    Args:
        hypotheses: one output per source.
        references: one reference per source, in the same order.

    Returns:
        `{"rouge1": float, "rouge2": float, "rougeL": float}`.

    Example:
    ```python
    rouge_scores(["media player"], ["command line media player"])["rouge1"]  # 66.7
    ```
    """
    from rouge_score import rouge_scorer

    _check_pairs(hypotheses, references)
    names = ("rouge1", "rouge2", "rougeL")
    scorer = rouge_scorer.RougeScorer(list(names), tokenizer=UnicodeWords())
    totals = dict.fromkeys(names, 0.0)
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        scores = scorer.score(reference, hypothesis)
        for name in names:
            totals[name] += scores[name].fmeasure
    return {name: 100.0 * total / len(hypotheses) for name, total in totals.items()}


def _definition(line: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    try:
        body = ast.parse(line.strip() + "\n    pass\n").body
    except (SyntaxError, ValueError):
        return None
    if len(body) == 1 and isinstance(body[0], ast.FunctionDef | ast.AsyncFunctionDef):
        return body[0]
    return None


def parses(line: str) -> bool:
    """Whether a line is a valid Python function definition once a body (`pass`) follows it
    (another block header, such as `class A:` or `if x:`, does not count)."""
    return _definition(line) is not None


def signature(line: str) -> tuple[str | None, str | None]:
    """The function name and argument list of a `def` line, or None for each it lacks. Where
    the line parses, Python's unparser normalizes the argument list; elsewhere both are read
    with regular expressions (a truncated line still has its name)."""
    node = _definition(line)
    if node is not None:
        return node.name, ast.unparse(node.args)
    name, arguments = _DEF_NAME.match(line), _DEF_ARGUMENTS.match(line)
    return (name and name.group(1)), (arguments and arguments.group(1).strip())


def code_scores(hypotheses: list[str], references: list[str]) -> dict[str, float]:
    """Code generation scores of `def` lines: exact match of the whole line (spaces at the ends
    ignored), of the function name and of the argument list (each a share, 0 to 1), sacreBLEU's
    BLEU, and the share of outputs that parse as a Python function definition (`parses`).

    Args:
        hypotheses: one generated `def` line per source.
        references: one reference `def` line per source, in the same order.

    Returns:
        `{"line_exact": float, "name_exact": float, "arguments_exact": float, "bleu": float,
        "parses": float}`.

    Example:
    ```python
    code_scores(["def close():"], ["def close(self):"])  # name_exact 1.0, arguments_exact 0.0
    ```
    """
    _check_pairs(hypotheses, references)
    count = len(hypotheses)
    lines = names = arguments = 0
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        (name, args), (ref_name, ref_args) = signature(hypothesis), signature(reference)
        lines += hypothesis.strip() == reference.strip()
        names += name is not None and name == ref_name
        arguments += args is not None and args == ref_args
    return {
        "line_exact": lines / count,
        "name_exact": names / count,
        "arguments_exact": arguments / count,
        "bleu": sacrebleu.corpus_bleu(hypotheses, [references]).score,
        "parses": sum(map(parses, hypotheses)) / count,
    }


def distinct_scores(hypotheses: list[str]) -> dict[str, float]:
    """distinct-1 and distinct-2 (Li et al. 2016): distinct word unigrams and bigrams over all
    outputs (split on whitespace), divided by their total count (0 to 1; higher is more
    varied).

    Args:
        hypotheses: the outputs.

    Returns:
        `{"distinct_1": float, "distinct_2": float}`.

    Example:
    ```python
    distinct_scores(["i am fine", "i am here"])  # distinct_1 4/6, distinct_2 3/4
    ```
    """
    result = {}
    for n in (1, 2):
        grams = [
            tuple(words[i : i + n])
            for words in (h.split() for h in hypotheses)
            for i in range(len(words) - n + 1)
        ]
        result[f"distinct_{n}"] = len(set(grams)) / len(grams) if grams else 0.0
    return result


def task_scores(metric: str, hypotheses: list[str], references: list[str]) -> dict[str, float]:
    """The scores of one task: translation's BLEU and chrF; summarization's ROUGE (and BLEU and
    chrF); code's `code_scores`; dialogue's BLEU, chrF and distinct-n.

    Args:
        metric: one of `METRICS`: `"translation"`, `"summarization"`, `"code"`, `"dialogue"`.
        hypotheses: one output per source.
        references: one reference per source, in the same order.

    Returns:
        A dict of scores, named as the functions above name them.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}. Received: metric={metric!r}")
    if metric == "code":
        return code_scores(hypotheses, references)
    scores = corpus_scores(hypotheses, references)
    if metric == "summarization":
        scores.update(rouge_scores(hypotheses, references))
    elif metric == "dialogue":
        scores.update(distinct_scores(hypotheses))
    return scores


def _check_pairs(hypotheses: list[str], references: list[str]) -> None:
    if not references:
        raise ValueError("There is nothing to score. Received: 0 references")
    if len(hypotheses) != len(references):
        raise ValueError(
            "hypotheses and references must pair up. Received: "
            f"{len(hypotheses)} hypotheses and {len(references)} references"
        )
