#!/usr/bin/env bash
# The README's first command, from a fresh clone: make .venv with the package (once), then run
# `keras-seq2seq demo` on JAX, its fastest backend on CPU (set KERAS_BACKEND to use another).
# Arguments go to the demo, e.g. `bash demo.sh --run-dir runs/my-demo`.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/keras-seq2seq ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q -e ".[jax]"
fi
KERAS_BACKEND="${KERAS_BACKEND:-jax}" exec .venv/bin/keras-seq2seq demo "$@"
