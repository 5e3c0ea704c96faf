"""The `keras-seq2seq` command line: demo, train, evaluate, translate, export.

```
keras-seq2seq demo
keras-seq2seq train --train pairs.tsv --valid valid.tsv --run-dir runs/en-de
keras-seq2seq evaluate --model runs/en-de --tsv valid.tsv --beam-width 4
keras-seq2seq translate --model runs/en-de < input.txt > output.txt
keras-seq2seq export --model runs/en-de --output serving/
```
The Keras backend is the usual `KERAS_BACKEND` environment variable. `parser` turns flags into
`settings`, `commands` runs them, `run_directory` owns a training run's files, `builder` makes
models, processors, schedules and samplers from settings; `demo` and `bench` are the demo and
the benchmark.
"""

from keras_seq2seq.cli.main import main

__all__ = ["main"]
