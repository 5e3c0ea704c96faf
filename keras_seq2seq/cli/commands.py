"""The `keras-seq2seq` subcommands: demo, train, evaluate, translate, export.

Each takes settings or plain values, not parsed flags; `keras_seq2seq.cli.main` parses the
command line and calls them.
"""

import io
import json
import os
import sys
from collections.abc import Iterable

import keras
import numpy as np

from keras_seq2seq import atomic, samplers
from keras_seq2seq.cli import builder
from keras_seq2seq.cli.run_directory import TRANSLATOR_FILE, RunDirectory, better
from keras_seq2seq.cli.settings import DecodingSettings, RunSettings
from keras_seq2seq.data import pipeline
from keras_seq2seq.ensemble import Ensemble
from keras_seq2seq.scores import corpus_scores, task_scores
from keras_seq2seq.serving.translator import Translator
from keras_seq2seq.training import callbacks


def train(run: RunSettings, run_dir: str) -> str:
    """Trains (or resumes) a run; returns the path of the best `translator.keras`.

    The run's settings are stored in `config.json` before anything else; running the same
    command again resumes the run from its last backup, and different settings raise an error
    listing them.
    """
    directory = RunDirectory(run_dir)
    resumed = directory.start(run)  # a finished run with other settings is refused too
    if directory.finished:
        print(f"{run_dir} is a finished run; its model is {directory.translator_path}")
        return directory.translator_path
    if resumed:
        print(f"Resuming the run in {run_dir}.")
    data, training = run.data, run.training
    keras.utils.set_random_seed(training.seed)
    processors = directory.load_processors(copy_from=data.processors_from)
    if processors is None:
        processors = builder.adapt_processors(data, read_pairs(data.train, "train on"))
        directory.save_processors(processors)
    source, target = processors
    model = builder.build_model(
        run.model, source.vocabulary_size, target.vocabulary_size, seed=training.seed
    )
    translator = Translator(
        source,
        target,
        builder.compile_for_training(model, training),
        sampler=builder.build_sampler(run.decoding),
        max_source_length=data.max_source_length,
        max_length=run.decoding.max_output_length or data.max_target_length,
    )
    lengths = {
        "max_source_length": data.max_source_length,
        "max_target_length": data.max_target_length,
        "too_long": data.too_long,
    }
    train_data = pipeline.text_pairs_dataset(
        data.train, source, target, training.batch_size, seed=training.seed, **lengths
    )
    valid_data, scores = None, []
    if data.valid:
        valid_data = pipeline.text_pairs_dataset(
            data.valid, source, target, training.batch_size, shuffle=False, **lengths
        )
    if training.monitor != "loss":
        scores = [callbacks.ValidationScores(_greedy(translator), read_pairs(data.valid))]
    initial_epoch = directory.restore(model)
    monitor = f"val_{training.monitor}" if valid_data is not None else "loss"
    fit_callbacks = scores + directory.callbacks(
        translator,
        monitor,
        training.time_budget,
        backups_kept=training.average_last,
        patience=training.patience,
    )
    schedule = builder.build_schedule(training)
    if schedule is not None:
        fit_callbacks.append(callbacks.TeacherForcingSchedule(schedule))
    history = model.fit(
        train_data,
        validation_data=valid_data,
        epochs=training.epochs,
        initial_epoch=initial_epoch,
        callbacks=fit_callbacks,
    )
    if training.average_last:
        _average(directory, translator, training.average_last, monitor, valid_data, scores)
    directory.finish(history)
    print(f"Run finished: {run_dir}. Best model: {directory.translator_path}")
    return directory.translator_path


def _greedy(translator: Translator) -> Translator:
    """A greedy-search `Translator` over the same model and processors."""
    return Translator(
        translator.source_processor,
        translator.target_processor,
        translator.model,
        sampler=samplers.Greedy(),
        max_source_length=translator.max_source_length,
        max_length=translator.max_length,
    )


def _average(directory, translator, count, monitor, valid_data, scores) -> None:
    """Averages the last `count` epochs' weights (`RunDirectory.average`), compared on the
    monitored value when there is validation data, and says what came of it."""
    evaluate = None
    if scores:

        def evaluate():
            return scores[0].evaluate()[monitor]

    elif valid_data is not None:

        def evaluate():
            return translator.model.evaluate(valid_data, verbose=0, return_dict=True)["loss"]

    averaged = directory.average(translator, count, monitor, evaluate)
    if averaged is None:
        print(f"Not averaging: fewer than two epochs' backups in {directory.backup_dir}.")
        return
    epochs, value, best = averaged
    saved = f"Averaged the weights of epochs {epochs[0]}-{epochs[-1]}"
    if value is None:
        print(f"{saved} into {directory.averaged_path} (no validation data to compare it on).")
        return
    verdict = (
        "it is now the run's model"
        if better(monitor, value, best)
        else "the best epoch stays the model"
    )
    print(
        f"{saved}: {monitor} {value:.4f} against the best epoch's {best:.4f}; {verdict}. "
        f"Saved to {directory.averaged_path}."
    )


def load_translator(models: str | list[str], decoding: DecodingSettings) -> Translator:
    """The Translator of a run directory or `.keras` file, with the decoding settings given
    (those left None keep what was saved).

    Several paths make one Translator over an `Ensemble` of their models, with the first one's
    processors and settings; their processors must equal the first one's.
    """
    paths = [models] if isinstance(models, str) else list(models)
    translators = [_load_one(path) for path in paths]
    translator = translators[0]
    if len(translators) > 1:
        for path, other in zip(paths[1:], translators[1:], strict=True):
            for side in ("source_processor", "target_processor"):
                if not _same_processor(getattr(translator, side), getattr(other, side)):
                    raise ValueError(
                        f"An ensemble needs one vocabulary per side: the {side} of {path!r} "
                        f"differs from that of {paths[0]!r}. Ensemble runs that share their "
                        "processors (train with --processors-from)."
                    )
        translator = Translator(
            translator.source_processor,
            translator.target_processor,
            Ensemble([t.model for t in translators]),
            sampler=translator.sampler,
            max_source_length=translator.max_source_length,
            max_length=translator.max_length,
        )
    translator.sampler = builder.replace_search(translator.sampler, decoding)
    if decoding.max_output_length is not None:
        translator.max_length = decoding.max_output_length
    return translator


def _load_one(path: str) -> Translator:
    return Translator.load(translator_file(path))


def translator_file(path: str) -> str:
    """The `.keras` file of a run directory, or `path` itself."""
    if os.path.isdir(path) and os.path.exists(os.path.join(path, TRANSLATOR_FILE)):
        return os.path.join(path, TRANSLATOR_FILE)
    return path


def tune_length_penalty(
    translator: Translator,
    pairs: list[tuple[str, str]],
    penalties: list[float],
    metric: str = "bleu",
    batch_size: int = 64,
) -> float:
    """Scores beam search with each length penalty on the pairs, printing a JSON line each, and
    leaves the best one (by `metric`, the smaller penalty on a tie) in `translator.sampler`.

    Args:
        translator: a `Translator` whose sampler is a `BeamSearch` (its other settings stay).
        pairs: `(source, reference)` strings, validation data (never the test set).
        penalties: the length penalties (alpha) to try, each at least 0.
        metric: `"bleu"` or `"chrf"`.
        batch_size: texts decoded at once.

    Returns:
        The chosen length penalty.
    """
    sampler = translator.sampler
    if not isinstance(sampler, samplers.BeamSearch):
        raise ValueError(
            "The length penalty is beam search's: pass --beam-width 2 or more. Received: "
            f"sampler={sampler!r}"
        )
    if not penalties:
        raise ValueError("Give at least one length penalty to try. Received: penalties=[]")
    sources, references = [p[0] for p in pairs], [p[1] for p in pairs]
    results = []
    for alpha in sorted(set(penalties)):  # a negative one is refused first, by BeamSearch
        translator.sampler = samplers.BeamSearch(
            **{**sampler.get_config(), "length_penalty": alpha}
        )
        scores = corpus_scores(translator.translate(sources, batch_size=batch_size), references)
        print(json.dumps({"length_penalty": alpha, **scores}), flush=True)
        results.append((scores[metric], -alpha, translator.sampler))
    score, alpha, translator.sampler = max(results, key=lambda result: result[:2])
    print(f"Best length penalty by {metric}: {-alpha:g} ({metric} {score:.2f}).")
    return -alpha


def _same_processor(first, second) -> bool:
    config = ("level", "normalization", "case_fold")
    return all(getattr(first, k) == getattr(second, k) for k in config) and (
        first.vocabulary_data() == second.vocabulary_data()
    )


def read_pairs(tsv: str, purpose: str = "evaluate") -> list[tuple[str, str]]:
    """The pairs of a TSV file; raises, naming the file, when it has none to `purpose`."""
    pairs = pipeline.read_tsv(tsv)
    if not pairs:
        raise ValueError(f"{tsv!r} holds no pairs to {purpose}.")
    return pairs


def evaluate(
    translator: Translator,
    pairs: list[tuple[str, str]],
    batch_size: int = 64,
    output: str | None = None,
    metric: str = "translation",
) -> dict:
    """Scores the translations of the pairs' sources against their targets; prints the scores.

    Args:
        translator: the `Translator` to score.
        pairs: `(source, reference)` strings, e.g. `read_pairs(tsv)`.
        batch_size: texts decoded at once.
        output: also write the translations to this file, one per line.
        metric: the task whose scores are added (`scores.task_scores`): `"translation"`,
            `"summarization"` (ROUGE), `"code"` (name and argument matches, parse rate) or
            `"dialogue"` (distinct-n).

    Returns:
        `pairs`, the task's scores (for translation `bleu` and `chrf`: sacreBLEU, default 13a
        tokenization), `exact_match` (against references normalized like the outputs) and
        `sampler`.
    """
    sources, references = [p[0] for p in pairs], [p[1] for p in pairs]
    # Outputs are normalized text (Unicode form, spaces, case folding if trained so); exact match
    # compares them with references normalized the same way. BLEU and chrF use raw references.
    normalized = [
        t.decode("utf-8") for t in translator.target_processor.normalize(references).numpy()
    ]
    hypotheses = translator.translate(sources, batch_size=batch_size)
    if output:
        atomic.write_text(output, "".join(_one_line(h) + "\n" for h in hypotheses))
    scores = {
        "pairs": len(pairs),
        **task_scores(metric, hypotheses, references),
        "exact_match": float(
            np.mean([h == r for h, r in zip(hypotheses, normalized, strict=True)])
        ),
        "sampler": repr(translator.sampler),
    }
    print(json.dumps(scores))
    return scores


def translate(translator: Translator, input_path: str | None = None, batch_size: int = 64) -> None:
    """Translates a file or stdin (UTF-8, one text per line), printing one line per line.

    Lines end at `\\n` only (a `\\r\\n` ending is dropped with it), so a lone `\\r`, U+2028 or
    any other character inside a line never splits it; an output never holds a line break.
    """
    if input_path:
        if not os.path.isfile(input_path):
            raise FileNotFoundError(f"No such input file: {input_path!r}")
        with open(input_path, encoding="utf-8", errors="replace", newline="\n") as file:
            _translate_lines(translator, file, batch_size)
    elif hasattr(sys.stdin, "buffer"):
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="\n")
        try:
            _translate_lines(translator, stdin, batch_size)
        finally:
            stdin.detach()  # leaves the process's stdin open
    else:  # stdin replaced by a text stream (a notebook, a test)
        _translate_lines(translator, sys.stdin, batch_size)


def _translate_lines(translator: Translator, lines: Iterable[str], batch_size: int) -> None:
    batch = []
    for line in lines:
        batch.append(line.removesuffix("\n").removesuffix("\r"))
        if len(batch) == batch_size:
            _print_translations(translator, batch)
            batch = []
    _print_translations(translator, batch)


def _print_translations(translator: Translator, texts: list[str]) -> None:
    for text in translator.translate(texts, batch_size=max(len(texts), 1)):
        print(_one_line(text))
    sys.stdout.flush()


def _one_line(text: str) -> str:
    # Keeps outputs aligned with inputs, one line each, whatever the model generated.
    return " ".join(text.splitlines())


def export(translator: Translator, output: str) -> None:
    """Writes the Translator as a SavedModel to the new directory `output`."""
    translator.export(output)
    print(f"SavedModel written to {output}")
