"""A training run's directory: its settings, text processors, resume state and best model.

```
config.json                 the run's settings (`RunSettings.to_dict()`), written first
processors/source.keras     the text processors, learned once
processors/target.keras
backup/epoch-0003.weights.h5  weights and optimizer state after each epoch, the last two kept
                            (or the last N with `--average-last N`; removed once the run is done)
log.csv                     one row per finished epoch
translator.keras            the best Translator so far, without optimizer state
translator.keras.best.json  its monitored value and epoch
translator.averaged.keras   with `--average-last N`, the Translator of the averaged weights
done.json                   written when the run has finished, with the training history
```
Running the same command again resumes from the newest backup that loads (a damaged one is
reported and set aside) and drops the log rows of epochs after it; other settings are refused.
Every file but `log.csv` is replaced atomically (`keras_seq2seq.atomic`), so a kill never leaves
a damaged one; Keras's `CSVLogger` appends to `log.csv`, and a row a kill tore is dropped on
resume.
"""

import csv
import glob
import io
import json
import os
import re
import shutil
import sys

import keras
import numpy as np

from keras_seq2seq import atomic
from keras_seq2seq.cli.settings import RunSettings
from keras_seq2seq.data.text import TextProcessor
from keras_seq2seq.serving.translator import Translator
from keras_seq2seq.training.averaging import average_checkpoints
from keras_seq2seq.training.callbacks import TimeBudget

CONFIG_FILE = "config.json"
TRANSLATOR_FILE = "translator.keras"
AVERAGED_FILE = "translator.averaged.keras"
DONE_FILE = "done.json"
LOG_FILE = "log.csv"
SIDES = ("source", "target")
BACKUPS_KEPT = 2
# Log entries where higher is better (`better`); every other monitored entry is a loss.
MAXIMIZED = ("val_bleu", "val_chrf")
# Keras's `BackupAndRestore` layout, left by runs of keras-seq2seq 0.1 and 0.2.
KERAS_BACKUP = ("latest.weights.h5", "training_metadata.json")


class RunDirectory:
    """The files of one training run (see the module docstring).

    Args:
        path: the directory; created if missing.
    """

    def __init__(self, path: str):
        self.path = os.fspath(path)
        os.makedirs(self.path, exist_ok=True)
        self.config_path = os.path.join(self.path, CONFIG_FILE)
        self.translator_path = os.path.join(self.path, TRANSLATOR_FILE)
        self.averaged_path = os.path.join(self.path, AVERAGED_FILE)
        self.done_path = os.path.join(self.path, DONE_FILE)
        self.log_path = os.path.join(self.path, LOG_FILE)
        self.processors_dir = os.path.join(self.path, "processors")
        self.backup_dir = os.path.join(self.path, "backup")

    @property
    def finished(self) -> bool:
        return os.path.exists(self.done_path)

    @property
    def started(self) -> bool:
        """Whether training has written anything beyond the settings."""
        paths = (self.processors_dir, self.backup_dir, self.log_path, self.translator_path)
        return any(os.path.exists(p) for p in paths)

    def stored_settings(self) -> RunSettings | None:
        """The settings in `config.json`, or None for a new run."""
        if not os.path.exists(self.config_path):
            return None
        with open(self.config_path, encoding="utf-8") as file:
            try:
                config = json.load(file)
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise ValueError(f"{self.config_path} is not valid JSON: {error}") from None
        return RunSettings.from_dict(config, source=self.config_path)

    def start(self, settings: RunSettings) -> bool:
        """Stores the settings, or checks them against the stored ones, before anything else is
        written; returns whether this resumes a started run.

        A started (or finished) run with other settings raises, listing them. Settings stored by
        a run that failed before writing anything else are replaced.

        Args:
            settings: the settings of this invocation.
        """
        stored = self.stored_settings()
        if stored is None and self.started:
            raise ValueError(
                f"{self.path} holds the files of a run but no {CONFIG_FILE}, so its settings "
                "cannot be checked; pick a new --run-dir."
            )
        if stored is not None:
            changed = stored.differences(settings)
            if not changed:
                return self.started
            if self.started:
                raise ValueError(
                    f"{self.path} holds a run with other settings ({', '.join(changed)}); "
                    "rerun it with its settings (see config.json) or pick a new --run-dir."
                )
        atomic.write_text(self.config_path, json.dumps(settings.to_dict(), indent=2))
        return False

    def processor_paths(self) -> list[str]:
        return [os.path.join(self.processors_dir, f"{side}.keras") for side in SIDES]

    def load_processors(self, copy_from: str | None = None) -> tuple | None:
        """The run's text processors; copied from run directory `copy_from` when this run has
        none yet; None when neither has them."""
        paths = self.processor_paths()
        if not all(os.path.exists(p) for p in paths) and copy_from:
            for side, path in zip(SIDES, paths, strict=True):
                with atomic.replacing(path) as partial:
                    shutil.copyfile(os.path.join(copy_from, "processors", f"{side}.keras"), partial)
        if not all(os.path.exists(p) for p in paths):
            return None
        return tuple(keras.saving.load_model(p) for p in paths)

    def save_processors(self, processors: tuple[TextProcessor, TextProcessor]) -> None:
        for processor, path in zip(processors, self.processor_paths(), strict=True):
            with atomic.replacing(path) as partial:
                keras.saving.save_model(processor, partial)

    def backup_path(self, epochs: int) -> str:
        """The backup written after `epochs` finished epochs."""
        return os.path.join(self.backup_dir, f"epoch-{epochs:04d}.weights.h5")

    def backups(self) -> list[tuple[int, str]]:
        """`(finished epochs, path)` of every backup, newest first."""
        found = []
        for path in glob.glob(os.path.join(glob.escape(self.backup_dir), "epoch-*.weights.h5")):
            match = re.fullmatch(r"epoch-(\d+)\.weights\.h5", os.path.basename(path))
            if match:
                found.append((int(match.group(1)), path))
        weights, metadata = (os.path.join(self.backup_dir, name) for name in KERAS_BACKUP)
        if os.path.exists(weights):
            try:
                with open(metadata, encoding="utf-8") as file:
                    found.append((int(json.load(file)["epoch"]), weights))
            except (OSError, ValueError, KeyError, TypeError) as error:
                _report(f"Skipping the backup {weights}: its {metadata} is unreadable ({error}).")
                self._discard(weights, keep_as=".damaged")
        return sorted(found, reverse=True)

    def restore(self, model: keras.Model) -> int:
        """Loads the newest backup that loads into `model` (weights and optimizer state) and
        keeps the log's rows of the epochs it holds; returns its number of finished epochs, 0
        when there is none.

        A damaged backup is reported, with its path, and renamed to `<name>.damaged` (kept for
        inspection, never read again), so it cannot outrank the backups written after it.

        Args:
            model: the run's compiled model, built.
        """
        candidates = self.backups()
        epochs = self._load_newest(model, candidates) if candidates else 0
        self._keep_log_rows(epochs)
        return epochs

    def _load_newest(self, model: keras.Model, candidates: list[tuple[int, str]]) -> int:
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        variables = list(model.variables) + list(getattr(model.optimizer, "variables", []))
        initial = [keras.ops.convert_to_numpy(v) for v in variables]
        for epochs, path in candidates:
            try:
                model.load_weights(path)
            except Exception as error:  # h5py and Keras raise many kinds for a damaged file
                _report(f"Skipping the damaged backup {path} ({type(error).__name__}: {error}).")
                for variable, value in zip(variables, initial, strict=True):
                    variable.assign(value)  # a failed load may have assigned some variables
                self._discard(path, keep_as=".damaged")
                continue
            return epochs
        _report(f"No backup in {self.backup_dir} loads; training restarts at epoch 0.")
        return 0

    def prune(self, keep: int = BACKUPS_KEPT) -> None:
        """Removes all but the newest `keep` backups (at least `BACKUPS_KEPT`)."""
        for _, path in self.backups()[max(keep, BACKUPS_KEPT) :]:
            self._discard(path)

    def average(
        self, translator: Translator, count: int, monitor: str, evaluate=None
    ) -> tuple[list[int], float | None, float] | None:
        """Averages the weights of the newest `count` backups into `translator`'s model, saves it
        as `translator.averaged.keras`, and makes it the run's model if `evaluate()` (the
        monitored value of the model as it now is) beats the best epoch's; returns the averaged
        epochs (counted from 1), the average's value (None without `evaluate`) and the best
        epoch's, or None when fewer than two backups exist.

        Args:
            translator: the run's `Translator`; its model's weights are replaced.
            count: how many of the newest backups to average.
            monitor: the monitored log entry, e.g. `"val_loss"` (lower is better) or
                `"val_bleu"` (higher is better; see `better`).
            evaluate: a callable returning the monitored value of the model, or None to only
                save the average (a training loss, measured with dropout over a changing
                model, is no fair comparison).
        """
        newest = self.backups()[:count]
        if len(newest) < 2:
            return None
        epochs = sorted(epoch for epoch, _ in newest)
        average_checkpoints(translator.model, [path for _, path in reversed(newest)])
        translator.save(self.averaged_path, include_optimizer=False)
        record = best_record_path(self.translator_path)
        best = read_best(self.translator_path, monitor)
        if evaluate is None:
            return epochs, None, best
        value = float(evaluate())
        if better(monitor, value, best):
            translator.save(self.translator_path, include_optimizer=False)
            atomic.write_text(record, json.dumps({monitor: value, "averaged_epochs": epochs}))
        return epochs, value, best

    def _discard(self, path: str, keep_as: str | None = None) -> None:
        # A Keras backup's metadata goes with its weights.
        paths = [path]
        if os.path.basename(path) == KERAS_BACKUP[0]:
            paths.append(os.path.join(self.backup_dir, KERAS_BACKUP[1]))
        for each in filter(os.path.exists, paths):
            if keep_as:
                os.replace(each, each + keep_as)
            else:
                os.remove(each)

    def _keep_log_rows(self, epochs: int) -> None:
        # Rows of epochs after the restored backup (a kill between the row and the backup) go:
        # those epochs run again and log again. Unreadable or repeated rows go too.
        if not os.path.exists(self.log_path):
            return
        with open(self.log_path, encoding="utf-8", errors="replace", newline="") as file:
            reader = csv.DictReader(file)
            fields, rows = reader.fieldnames, {}
            for row in reader:
                epoch = row.get("epoch") or ""
                if epoch.isdigit() and int(epoch) < epochs and None not in row.values():
                    rows[int(epoch)] = row
        text = io.StringIO()
        if fields and rows:
            writer = csv.DictWriter(text, fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows[epoch] for epoch in sorted(rows))
        atomic.write_text(self.log_path, text.getvalue())

    def callbacks(
        self,
        translator: Translator,
        monitor: str,
        time_budget_minutes: float = 0.0,
        backups_kept: int = BACKUPS_KEPT,
        patience: int = 0,
    ) -> list[keras.callbacks.Callback]:
        """Best-model saving, the epoch log, the backup, the time budget and early stopping, in
        that order.

        The best model and the log row are written before the backup, so an epoch counts as
        done only once both are on disk. `backups_kept` backups are kept (at least two).
        `patience` > 0 stops training after that many epochs without a better `monitor`
        (counted from the start of this invocation).
        """
        callbacks = [
            SaveBestTranslator(translator, self.translator_path, monitor),
            keras.callbacks.CSVLogger(self.log_path, append=True),
            EpochBackup(self, backups_kept),
        ]
        if patience:
            mode = "max" if monitor in MAXIMIZED else "min"
            callbacks.append(keras.callbacks.EarlyStopping(monitor, patience=patience, mode=mode))
        if time_budget_minutes > 0:
            callbacks.append(TimeBudget(time_budget_minutes * 60))
        return callbacks

    def finish(self, history: keras.callbacks.History) -> None:
        """Marks the run finished, keeping the history of this invocation's `fit`, then removes
        the backups."""
        history = {k: [float(x) for x in v] for k, v in history.history.items()}
        atomic.write_text(self.done_path, json.dumps(history))
        shutil.rmtree(self.backup_dir, ignore_errors=True)


class EpochBackup(keras.callbacks.Callback):
    """Backs up the weights and optimizer state after every epoch, atomically, to
    `RunDirectory.backup_path`, and removes all but the newest `keep` backups (at least
    `BACKUPS_KEPT`); `RunDirectory.restore` reads them.

    Args:
        directory: the run's `RunDirectory`.
        keep: how many backups to keep.
    """

    def __init__(self, directory: RunDirectory, keep: int = BACKUPS_KEPT):
        super().__init__()
        self.directory = directory
        self.keep = keep

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        with atomic.replacing(self.directory.backup_path(epoch + 1)) as partial:
            self.model.save_weights(partial)  # `self.model` syncs JAX state into the variables
        self.directory.prune(self.keep)


def best_record_path(translator_path: str) -> str:
    """The file beside a run's best Translator that records its monitored value."""
    return translator_path + ".best.json"


def better(monitor: str, value: float, best: float) -> bool:
    """Whether `value` of the log entry `monitor` beats `best`: higher for the scores in
    `MAXIMIZED`, lower for anything else (losses)."""
    return value > best if monitor in MAXIMIZED else value < best


def read_best(translator_path: str, monitor: str) -> float:
    """The monitored value recorded for the best Translator at `translator_path`, or the worst
    value (infinity for a loss, minus infinity for a score) when none is recorded; an unreadable
    record raises, naming it, rather than risk replacing a better model."""
    record = best_record_path(translator_path)
    if not os.path.exists(record):
        return -np.inf if monitor in MAXIMIZED else np.inf
    try:
        with open(record, encoding="utf-8") as file:
            return float(json.load(file)[monitor])
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(
            f"{record} is unreadable ({type(error).__name__}: {error}); it records the "
            f"{monitor} of {translator_path}. Delete it to let the next epoch replace that model."
        ) from None


def _report(message: str) -> None:
    print(message, file=sys.stderr)


class SaveBestTranslator(keras.callbacks.Callback):
    """Saves a `Translator` whenever the monitored value improves (see `better`), replacing the
    file atomically.

    The file is saved without optimizer state (the run's backup holds that). The best value so
    far is kept beside it in `path + ".best.json"`, so a resumed run only replaces the file with
    a better model; an unreadable record raises, naming it, rather than risk replacing a better
    model. If nothing was saved by the end of training, it saves once then.

    Args:
        translator: the `Translator` whose model is being trained.
        path: a `.keras` file.
        monitor: the log entry to improve, e.g. `"val_loss"` or `"val_chrf"`.
    """

    def __init__(self, translator: Translator, path: str, monitor: str):
        super().__init__()
        self.translator = translator
        self.path = path
        self.monitor = monitor
        self.record = best_record_path(path)
        self.best = read_best(path, monitor)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        value = (logs or {}).get(self.monitor)
        if value is not None and better(self.monitor, value, self.best):
            self._save()
            self.best = float(value)
            atomic.write_text(self.record, json.dumps({self.monitor: self.best, "epoch": epoch}))

    def on_train_end(self, logs: dict | None = None) -> None:
        if not os.path.exists(self.path):
            self._save()

    def _save(self) -> None:
        _ = self.model  # reading `self.model` syncs JAX training state into the variables
        self.translator.save(self.path, include_optimizer=False)
