"""The names some settings take, defined once for the modules that implement them and the CLI.

This module imports nothing, so that the command line can list them (`keras-seq2seq train
--help`) and validate its settings without loading Keras or TensorFlow.
"""

CELLS = ("lstm", "gru", "simple_rnn")  # the RNN kinds: `layers.cells.RNN_LAYERS`
# How `text.TextProcessor` splits text into tokens.
LEVELS = ("character", "word", "subword", "sentencepiece")
TOO_LONG = ("truncate", "drop")  # what `pipeline.text_pairs_dataset` does beyond the limits
DECAYS = ("none", "inverse_sqrt")  # the learning rate after warm-up: `learning_rates.Warmup`
# What picks a run's best epoch: the validation loss, or the BLEU or chrF of its translations.
MONITORS = ("loss", "bleu", "chrf")
# The tasks `keras-seq2seq evaluate --metric` scores: `scores.task_scores`.
METRICS = ("translation", "summarization", "code", "dialogue")
