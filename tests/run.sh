#!/usr/bin/env bash
# The test command: runs the whole suite under each Keras backend and fails if any backend fails.
# The three backends run at once, each in its own process with its own temporary directory and
# one thread inside each op (TensorFlow, XLA, PyTorch): a pass keeps one core busy only part of
# the time, and three multi-threaded passes on two cores spent about 30% of their CPU time contending.
# Each pass's output is printed, in order, once it ends.
# Extra arguments go to pytest, e.g. `bash tests/run.sh -m "not slow"`.
set -u
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
backends=(tensorflow jax torch)
pids=()
for backend in "${backends[@]}"; do
  KERAS_BACKEND=$backend OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 \
    XLA_FLAGS="${XLA_FLAGS:-} --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" \
    python -m pytest -q -p no:cacheprovider --durations=15 \
    --basetemp "$work/tmp-$backend" "$@" >"$work/$backend.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!backends[@]}"; do
  wait "${pids[$i]}"
  code=$?
  echo "=== KERAS_BACKEND=${backends[$i]} (exit $code)"
  cat "$work/${backends[$i]}.log"
  [ "$code" -eq 0 ] || status=1
done
exit $status
