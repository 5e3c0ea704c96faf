"""`keras-seq2seq demo`: the whole library in one command, on multilingual date normalization.

It trains a character-level attention model with scheduled sampling to rewrite dates as 24
locales write them ("mercredi 25 novembre 2026", "25.11.26", "2026年11月25日") in ISO form,
reports exact match on held-out dates, plots the attention and the training curves, exports a
SavedModel, reloads it with TensorFlow alone and translates through it. Everything goes to one
run directory.
"""

import datetime
import json
import os
import time
from dataclasses import asdict, dataclass

import keras
import numpy as np

from keras_seq2seq import plot
from keras_seq2seq.cli.builder import build_model
from keras_seq2seq.cli.settings import ModelSettings
from keras_seq2seq.data import dates, pipeline
from keras_seq2seq.data.text import TextProcessor
from keras_seq2seq.serving.translator import Translator
from keras_seq2seq.training import callbacks, schedules

EXAMPLES = (
    "mercredi 25 novembre 2026",
    "25.11.26",
    "2026年11月25日",
    "Wednesday, November 25, 2026",
    "среда, 25 ноября 2026 г.",  # noqa: RUF001 (Cyrillic on purpose)
    "25 de nov. de 2026",
)
SHOWN = EXAMPLES[0]  # the attention heatmap's example


@dataclass(frozen=True)
class Budget:
    """How much the demo trains: the default reaches 99% held-out exact match."""

    train_pairs: int = 40_000
    test_pairs: int = 2_000
    epochs: int = 6
    units: int = 128
    batch_size: int = 64


QUICK = Budget(train_pairs=300, test_pairs=50, epochs=1, units=16)


def run(run_dir: str | None = None, budget: Budget = Budget(), seed: int = 0) -> dict:
    """Runs the demo; returns its summary (also written to `summary.json` in the run dir).

    Args:
        run_dir: a new (or empty) directory for the artifacts; default `runs/demo-<time>`.
        budget: the data and training sizes (`QUICK` is a smoke test).
        seed: the seed of the data and of the model.
    """
    started = time.monotonic()
    run_dir = run_dir or os.path.join("runs", f"demo-{datetime.datetime.now():%Y%m%d-%H%M%S}")
    if os.path.isdir(run_dir) and os.listdir(run_dir):
        raise FileExistsError(f"The demo writes to a new run directory; {run_dir!r} has files.")
    os.makedirs(run_dir, exist_ok=True)
    keras.utils.set_random_seed(seed)
    print(f"Backend: {keras.backend.backend()}. Artifacts go to {run_dir}/")

    train_pairs = dates.date_pairs(budget.train_pairs, "train", seed=seed)
    test_pairs = dates.date_pairs(budget.test_pairs, "test", seed=seed + 1)
    print(f"{len(train_pairs)} training pairs from {len(dates.LOCALES)} locales, e.g.")
    for source, target in train_pairs[:4]:
        print(f"  {source!r} -> {target!r}")
    source = TextProcessor("character", name="source")
    source.adapt(pair[0] for pair in train_pairs)
    target = TextProcessor("character", name="target")
    target.adapt(["0123456789-"])
    train_data = pipeline.text_pairs_dataset(
        train_pairs, source, target, budget.batch_size, seed=seed
    )
    valid_data = pipeline.text_pairs_dataset(
        test_pairs, source, target, budget.batch_size, shuffle=False
    )
    steps = budget.epochs * int(train_data.cardinality())
    translator = _translator(source, target, budget, steps, seed)
    # The teacher-forcing ratio falls from 1 to 0.5 over the first half of training.
    schedule = schedules.Linear(1.0, slope=1.0 / steps, floor=0.5)
    history = translator.model.fit(
        train_data,
        validation_data=valid_data,
        epochs=budget.epochs,
        callbacks=[callbacks.TeacherForcingSchedule(schedule)],
    )

    translations = translator.translate([p[0] for p in test_pairs], batch_size=256)
    exact = float(np.mean([t == p[1] for t, p in zip(translations, test_pairs, strict=True)]))
    print(f"\nHeld-out exact match (greedy, {len(test_pairs)} unseen dates): {exact:.2%}")
    for (text, reference), translation in list(zip(test_pairs, translations, strict=True))[:6]:
        print(f"  {'ok ' if translation == reference else 'BAD'} {text!r} -> {translation!r}")

    shown = translator.attention(SHOWN)
    plot.attention_heatmap(
        shown["source_tokens"],
        shown["target_tokens"],
        shown["weights"],
        path=os.path.join(run_dir, "attention.png"),
        title=f"{SHOWN} -> {shown['translation']}",
    )
    plot.training_history(history, os.path.join(run_dir, "training.png"))
    translator.save(os.path.join(run_dir, "translator.keras"), include_optimizer=False)

    serving_dir = os.path.join(run_dir, "serving")
    translator.export(serving_dir)
    served = _serve(serving_dir, list(EXAMPLES))
    print(f"\nThrough the exported SavedModel ({serving_dir}, loaded with TensorFlow alone):")
    for text, translation in zip(EXAMPLES, served, strict=True):
        print(f"  {text!r} -> {translation!r}")

    summary = {
        "backend": keras.backend.backend(),
        "budget": asdict(budget),
        "seed": seed,
        "held_out_exact_match": exact,
        "examples": dict(zip(EXAMPLES, served, strict=True)),
        "seconds": round(time.monotonic() - started, 1),
    }
    with open(os.path.join(run_dir, "summary.json"), "w", encoding="utf-8") as file:
        json.dump(summary, file, indent=2, ensure_ascii=False)
    print(
        f"\nDone in {summary['seconds']:.0f} s. Run directory: {run_dir}/ (attention.png, "
        "training.png, translator.keras, serving/, summary.json)"
    )
    return summary


def _translator(
    source: TextProcessor, target: TextProcessor, budget: Budget, steps: int, seed: int
) -> Translator:
    """A character-level GRU model with Luong attention and input feeding."""
    settings = ModelSettings(
        cell="gru", embedding_dim=32, target_embedding_dim=16, units=budget.units, dropout=0.0
    )
    model = build_model(settings, source.vocabulary_size, target.vocabulary_size, seed=seed)
    # The learning rate decays to zero, so the last epochs settle instead of wandering.
    learning_rate = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=5.0))
    return Translator(source, target, model, max_source_length=64, max_length=12)


def _serve(serving_dir: str, texts: list[str]) -> list[str]:
    """Translates through the SavedModel the way a server would: TensorFlow only."""
    import tensorflow as tf
    import tensorflow_text  # noqa: F401  (registers the ops the SavedModel uses)

    served = tf.saved_model.load(serving_dir).signatures["serving_default"]
    outputs = served(texts=tf.constant(texts))
    return [t.decode("utf-8") for t in outputs["translations"].numpy()]
