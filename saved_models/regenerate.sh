#!/usr/bin/env bash
# Regenerates the gettext translators in saved_models/ from ../shared/data:
#   bash saved_models/regenerate.sh            # en-de and en-es, 35 minutes of training each
#   MINUTES=10 bash saved_models/regenerate.sh en-de
# Training stops on a wall-clock budget, so the weights (and known_translations.json) differ from
# run to run and machine to machine. The shipped models were trained on one CPU thread
# (OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 and XLA_FLAGS set to one thread).
set -euo pipefail
cd "$(dirname "$0")/.."
export KERAS_BACKEND=${KERAS_BACKEND:-jax}
minutes=${MINUTES:-35}
pairs=("$@")
[ ${#pairs[@]} -gt 0 ] || pairs=(en-de en-es)
for pair in "${pairs[@]}"; do
  data=../shared/data/gettext-$pair
  run=runs/gettext-$pair
  out=saved_models/gettext-$pair
  rm -rf "$run"
  keras-seq2seq train --train "$data/train.tsv" --valid "$data/valid.tsv" --run-dir "$run" \
    --source-level sentencepiece --target-level sentencepiece --joint-vocabulary \
    --vocabulary-size 8000 --copy-attention --tie-embeddings --embedding-dim 256 --units 384 \
    --epochs 100 --time-budget "$minutes" --average-last 3 --beam-width 5 --seed 0
  rm -rf "$out" && mkdir -p "$out"
  python -c "from keras_seq2seq import Translator
Translator.load('$run/translator.keras').save('$out/translator.keras', include_optimizer=False)"
  cp "$run/log.csv" "$out/training_log.csv"
  keras-seq2seq export --model "$run" --output "$out/serving"
  keras-seq2seq evaluate --model "$run" --tsv "$data/valid.tsv" --output "$run/valid.out" \
    | tail -n 1 > "$run/valid_scores.json"
  python - "$data/valid.tsv" "$run/valid.out" "$run/valid_scores.json" "$out" <<'PY'
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
done
