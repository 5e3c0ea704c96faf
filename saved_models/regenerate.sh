#!/usr/bin/env bash
# Regenerates the gettext translators in saved_models/ from ../shared/data:
#   bash saved_models/regenerate.sh            # en-de and en-es, 35 minutes of training each
#   MINUTES=10 bash saved_models/regenerate.sh en-de
# Training stops on a wall-clock budget, so the weights (and known_translations.json) differ from
# run to run and machine to machine. The shipped models were trained on one CPU thread
# (OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 and XLA_FLAGS set to one thread). Each model is
# built in saved_models/.<name>.partial and replaces the committed one only once complete.
set -euo pipefail
cd "$(dirname "$0")/.."
export KERAS_BACKEND=${KERAS_BACKEND:-jax}
minutes=${MINUTES:-35}
pairs=("$@")
[ ${#pairs[@]} -gt 0 ] || pairs=(en-de en-es)
for pair in "${pairs[@]}"; do
  if [[ ! $pair =~ ^[a-z]{2}-[a-z]{2}$ ]] || [ ! -d "../shared/data/gettext-$pair" ]; then
    echo "regenerate.sh: no ../shared/data/gettext-$pair to train on" >&2
    exit 2
  fi
done
for pair in "${pairs[@]}"; do
  data=../shared/data/gettext-$pair
  run=runs/gettext-$pair
  out=saved_models/gettext-$pair
  partial=saved_models/.gettext-$pair.partial
  rm -rf "$run" "$partial" && mkdir -p "$partial"
  keras-seq2seq train --train "$data/train.tsv" --valid "$data/valid.tsv" --run-dir "$run" \
    --source-level sentencepiece --target-level sentencepiece --joint-vocabulary \
    --vocabulary-size 8000 --copy-attention --tie-embeddings --embedding-dim 256 --units 384 \
    --epochs 100 --time-budget "$minutes" --average-last 3 --beam-width 5 --seed 0
  python - "$run/translator.keras" "$partial/translator.keras" <<'PY'
import sys
from keras_seq2seq import Translator
Translator.load(sys.argv[1]).save(sys.argv[2], include_optimizer=False)
PY
  cp "$run/log.csv" "$partial/training_log.csv"
  keras-seq2seq export --model "$run" --output "$partial/serving"
  keras-seq2seq evaluate --model "$run" --tsv "$data/valid.tsv" --output "$run/valid.out" \
    | tail -n 1 > "$run/valid_scores.json"
  python - "$data/valid.tsv" "$run/valid.out" "$run/valid_scores.json" "$partial" <<'PY'
import json, sys
sys.path.insert(0, "benchmarks")
from quality import output_checks
from keras_seq2seq import Translator
valid, output, scores, out = sys.argv[1:]
checks = output_checks(valid, output)
with open(scores, encoding="utf-8") as file:
    result = {**json.load(file), "placeholders_kept": checks["placeholders"],
              "length_ratio": round(checks["length_ratio"], 3)}
with open(out + "/valid_scores.json", "w", encoding="utf-8") as file:
    json.dump(result, file, indent=1)
texts = ["Open the file.", "File not found", "cannot remove %s", "Cancel", "Save as...",
         "Could not open '%s': %s", "Use --force to overwrite {0}."]
translations = Translator.load(out + "/translator.keras").translate(texts)
with open(out + "/known_translations.json", "w", encoding="utf-8") as file:
    json.dump(dict(zip(texts, translations)), file, ensure_ascii=False, indent=1)
PY
  rm -rf "$out" && mv "$partial" "$out"
done
