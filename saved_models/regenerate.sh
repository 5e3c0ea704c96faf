#!/usr/bin/env bash
# Regenerates saved_models/gettext-en-de-small from ../shared/data (about 10 minutes on 2 CPU cores).
# Training stops on a wall-clock budget, so the weights (and known_translations.json) differ from
# run to run and machine to machine.
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data/gettext-en-de
run=runs/gettext-en-de-small
out=saved_models/gettext-en-de-small
export KERAS_BACKEND=${KERAS_BACKEND:-jax}
rm -rf "$run"
keras-seq2seq train --train "$data/train.tsv" --valid "$data/valid.tsv" --run-dir "$run" \
  --vocabulary-size 2000 --embedding-dim 64 --units 128 --dropout 0.1 \
  --epochs 100 --time-budget 6 --beam-width 4 --seed 0
rm -rf "$out" && mkdir -p "$out"
python -c "from keras_seq2seq import Translator
Translator.load('$run/translator.keras').save('$out/translator.keras', include_optimizer=False)"
keras-seq2seq export --model "$run" --output "$out/serving"
keras-seq2seq evaluate --model "$run" --tsv "$data/valid.tsv" | tee "$out/valid_scores.json"
python - "$out" <<'PY'
import json, sys
from keras_seq2seq import Translator
texts = ["Open the file.", "File not found", "cannot remove %s", "Cancel", "Save as..."]
translations = Translator.load(sys.argv[1] + "/translator.keras").translate(texts)
with open(sys.argv[1] + "/known_translations.json", "w", encoding="utf-8") as file:
    json.dump(dict(zip(texts, translations)), file, ensure_ascii=False, indent=1)
PY
