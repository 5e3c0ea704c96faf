"""A training run's directory: its settings, text processors, resume state and best model.

```
config.json                 the run's settings (`RunSettings.to_dict()`)
processors/source.keras     the text processors, learned once
processors/target.keras
backup/                     Keras `BackupAndRestore` state while training (removed at the end)
log.csv                     one row per epoch
translator.keras            the best Translator so far, without optimizer state
translator.keras.best.json  its monitored value and epoch
done.json                   written when the run has finished, with the training history
```
Running the same command again resumes from the last finished epoch; other settings are refused.
"""

import json
import os
import shutil

import keras
import numpy as np

from keras_seq2seq.cli.settings import RunSettings
from keras_seq2seq.data.text import TextProcessor
from keras_seq2seq.serving.translator import Translator
from keras_seq2seq.training.callbacks import TimeBudget

CONFIG_FILE = "config.json"
TRANSLATOR_FILE = "translator.keras"
DONE_FILE = "done.json"
SIDES = ("source", "target")


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
        self.done_path = os.path.join(self.path, DONE_FILE)
        self.processors_dir = os.path.join(self.path, "processors")

    @property
    def finished(self) -> bool:
        return os.path.exists(self.done_path)

    def stored_settings(self) -> RunSettings | None:
        """The settings in `config.json`, or None for a new run."""
        if not os.path.exists(self.config_path):
            return None
        with open(self.config_path, encoding="utf-8") as file:
            try:
                config = json.load(file)
            except json.JSONDecodeError as error:
                raise ValueError(f"{self.config_path} is not valid JSON: {error}") from None
        return RunSettings.from_dict(config, source=self.config_path)

    def check_settings(self, settings: RunSettings) -> bool:
        """Whether this is a resumed run; raises if it was started with other settings."""
        stored = self.stored_settings()
        if stored is None:
            return False
        changed = stored.differences(settings)
        if changed:
            raise ValueError(
                f"{self.path} holds a run with other settings ({', '.join(changed)}); "
                "rerun it with its settings (see config.json) or pick a new --run-dir."
            )
        return True

    def store_settings(self, settings: RunSettings) -> None:
        """Writes `config.json` unless it exists (a resumed run keeps the file it started with)."""
        if not os.path.exists(self.config_path):
            with open(self.config_path, "w", encoding="utf-8") as file:
                json.dump(settings.to_dict(), file, indent=2)

    def processor_paths(self) -> list[str]:
        return [os.path.join(self.processors_dir, f"{side}.keras") for side in SIDES]

    def load_processors(self, copy_from: str | None = None) -> tuple | None:
        """The run's text processors; copied from run directory `copy_from` when this run has
        none yet; None when neither has them."""
        paths = self.processor_paths()
        if not all(os.path.exists(p) for p in paths) and copy_from:
            os.makedirs(self.processors_dir, exist_ok=True)
            for side, path in zip(SIDES, paths, strict=True):
                shutil.copyfile(os.path.join(copy_from, "processors", f"{side}.keras"), path)
        if not all(os.path.exists(p) for p in paths):
            return None
        return tuple(keras.saving.load_model(p) for p in paths)

    def save_processors(self, processors: tuple[TextProcessor, TextProcessor]) -> None:
        os.makedirs(self.processors_dir, exist_ok=True)
        for processor, path in zip(processors, self.processor_paths(), strict=True):
            keras.saving.save_model(processor, path)

    def callbacks(
        self, translator: Translator, monitor: str, time_budget_minutes: float = 0.0
    ) -> list[keras.callbacks.Callback]:
        """Best-model saving, resume state, the epoch log and the time budget, in that order.

        The best model is saved before the backup, so an epoch counts as done only once its
        best model is on disk.
        """
        callbacks = [
            SaveBestTranslator(translator, self.translator_path, monitor),
            keras.callbacks.BackupAndRestore(os.path.join(self.path, "backup")),
            keras.callbacks.CSVLogger(os.path.join(self.path, "log.csv"), append=True),
        ]
        if time_budget_minutes > 0:
            callbacks.append(TimeBudget(time_budget_minutes * 60))
        return callbacks

    def finish(self, history: keras.callbacks.History) -> None:
        """Marks the run finished, keeping the history of this invocation's `fit`."""
        with open(self.done_path, "w", encoding="utf-8") as file:
            json.dump({k: [float(x) for x in v] for k, v in history.history.items()}, file)


class SaveBestTranslator(keras.callbacks.Callback):
    """Saves a `Translator` whenever the monitored loss improves, replacing the file atomically.

    The file is saved without optimizer state (a `BackupAndRestore` backup holds that). The best
    value so far is kept beside it in `path + ".best.json"`, so a resumed run only replaces the
    file with a better model. If nothing was saved by the end of training, it saves once then.

    Args:
        translator: the `Translator` whose model is being trained.
        path: a `.keras` file.
        monitor: the log entry to minimize, e.g. `"val_loss"`.
    """

    def __init__(self, translator: Translator, path: str, monitor: str):
        super().__init__()
        self.translator = translator
        self.path = path
        self.monitor = monitor
        self.record = path + ".best.json"
        self.best = np.inf
        if os.path.exists(self.record):
            with open(self.record, encoding="utf-8") as file:
                self.best = json.load(file)[monitor]

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        value = (logs or {}).get(self.monitor, np.inf)
        if value < self.best:
            self._save()
            self.best = float(value)
            with open(self.record, "w", encoding="utf-8") as file:
                json.dump({self.monitor: self.best, "epoch": epoch}, file)

    def on_train_end(self, logs: dict | None = None) -> None:
        if not os.path.exists(self.path):
            self._save()

    def _save(self) -> None:
        _ = self.model  # reading `self.model` syncs JAX training state into the variables
        partial = self.path[: -len(".keras")] + ".partial.keras"
        self.translator.save(partial, include_optimizer=False)
        os.replace(partial, self.path)  # never a half-written best model
