#!/usr/bin/env bash
# The test command: runs the whole suite under each Keras backend and fails if any backend fails.
# Extra arguments go to pytest, e.g. `bash tests/run.sh -m "not slow"`.
set -u
cd "$(dirname "$0")/.."
status=0
for backend in tensorflow jax torch; do
  echo "=== KERAS_BACKEND=$backend"
  KERAS_BACKEND=$backend python -m pytest -q -p no:cacheprovider "$@" || status=1
done
exit $status
