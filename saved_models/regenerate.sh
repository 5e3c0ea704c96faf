#!/usr/bin/env bash
# Regenerates the models in saved_models/ from ../shared/data, each named after its data folder:
#   bash saved_models/regenerate.sh                  # all four
#   bash saved_models/regenerate.sh gettext-en-de    # one
#   MINUTES=10 bash saved_models/regenerate.sh python-codegen
# Training stops on a wall-clock budget (35 minutes for the translators, 30 for the others), so
# the weights (and known_translations.json) differ from run to run and machine to machine. The
# shipped models were trained on one CPU thread (OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 and
# XLA_FLAGS set to one thread). Each model is built in saved_models/.<name>.partial and replaces
# the committed one only once complete.
set -euo pipefail
cd "$(dirname "$0")/.."
export KERAS_BACKEND=${KERAS_BACKEND:-jax}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(gettext-en-de gettext-en-es debian-summaries python-codegen)
for name in "${names[@]}"; do
  case $name in
    gettext-[a-z][a-z]-[a-z][a-z] | debian-summaries | python-codegen) ;;
    *)
      echo "regenerate.sh: unknown model '$name' (gettext-xx-yy, debian-summaries, python-codegen)" >&2
      exit 2
      ;;
  esac
  if [ ! -d "../shared/data/$name" ]; then
    echo "regenerate.sh: no ../shared/data/$name to train on" >&2
    exit 2
  fi
done
for name in "${names[@]}"; do
  # One SentencePiece vocabulary for both sides, copy attention and the tied output projection
  # for every model; the task sets the sizes, lengths, budget and metric.
  case $name in
    gettext-*)
      metric=translation minutes=${MINUTES:-35}
      task=(--embedding-dim 256 --units 384 --average-last 3)
      ;;
    debian-summaries)
      metric=summarization minutes=${MINUTES:-30}
      task=(--share-embeddings --embedding-dim 256 --units 384 --max-source-length 150
        --max-target-length 32)
      ;;
    python-codegen)
      metric=code minutes=${MINUTES:-30}
      task=(--share-embeddings --embedding-dim 256 --units 256 --dropout 0.3
        --max-target-length 64 --average-last 3)
      ;;
  esac
  data=../shared/data/$name
  run=runs/$name
  out=saved_models/$name
  partial=saved_models/.$name.partial
  rm -rf "$run" "$partial" && mkdir -p "$partial"
  keras-seq2seq train --train "$data/train.tsv" --valid "$data/valid.tsv" --run-dir "$run" \
    --source-level sentencepiece --target-level sentencepiece --joint-vocabulary \
    --vocabulary-size 8000 --copy-attention --tie-embeddings "${task[@]}" \
    --epochs 100 --time-budget "$minutes" --beam-width 5 --seed 0
  python - "$run/translator.keras" "$partial/translator.keras" <<'PY'
import sys
from keras_seq2seq import Translator
Translator.load(sys.argv[1]).save(sys.argv[2], include_optimizer=False)
PY
  cp "$run/log.csv" "$partial/training_log.csv"
  keras-seq2seq export --model "$run" --output "$partial/serving"
  keras-seq2seq evaluate --model "$run" --tsv "$data/valid.tsv" --output "$run/valid.out" \
    --metric "$metric" | tail -n 1 > "$run/valid_scores.json"
  python - "$name" "$data/valid.tsv" "$run/valid.out" "$run/valid_scores.json" "$partial" <<'PY'
import json, sys
sys.path.insert(0, "benchmarks")
from quality import output_checks
from keras_seq2seq import Translator
name, valid, output, scores, out = sys.argv[1:]
checks = output_checks(valid, output)
with open(scores, encoding="utf-8") as file:
    result = {**json.load(file), "length_ratio": round(checks["length_ratio"], 3)}
if name.startswith("gettext-"):
    result["placeholders_kept"] = checks["placeholders"]
    texts = ["Open the file.", "File not found", "cannot remove %s", "Cancel", "Save as...",
             "Could not open '%s': %s", "Use --force to overwrite {0}."]
else:  # the first validation sources
    with open(valid, encoding="utf-8") as file:
        texts = [next(file).split("\t")[0] for _ in range(4)]
with open(out + "/valid_scores.json", "w", encoding="utf-8") as file:
    json.dump(result, file, indent=1)
translations = Translator.load(out + "/translator.keras").translate(texts)
with open(out + "/known_translations.json", "w", encoding="utf-8") as file:
    json.dump(dict(zip(texts, translations)), file, ensure_ascii=False, indent=1)
PY
  rm -rf "$out" && mv "$partial" "$out"
done
