"""Training and decoding throughput on the standard benchmark shape, for the active backend.

    KERAS_BACKEND=jax python -m keras_seq2seq.bench [--reps 10] [--part all] [--json out.json]
        [--dtype-policy mixed_bfloat16] [--source-length 20]

Shape (the same as the reference peer's `tfa_seq2seq_bench.py`): vocabulary 8000/8000, embedding
256, one LSTM layer of 512 in the encoder and the decoder, Luong general attention with input
feeding (attentional vector 512), batch 64, source and target length 20, random ids, float32.
Prints target tokens per second of `train_on_batch` for teacher forcing (ratio 1.0) and for
scheduled sampling at ratio 0.5 (argmax predictions), and sentences per second of `generate`
(20 output tokens, random weights) for greedy search and for beam search of width 5 with length
penalty 0.6, with the time of the first (compiling) call of each. `--source-length` changes the
source length alone (long sources, as in summarization; the peer has no such option).
`--dtype-policy` runs it all under a Keras dtype policy (float32 by default). It also reports
the CPU (model and vector extensions) and the backend's matmul roofline: the GFLOP/s of a
2048 x 2048 float32 matmul, and of a bfloat16 one where the CPU computes bfloat16 natively.

    python -m keras_seq2seq.bench --compare-peer /path/to/tfa-venv/bin/python [--reps 5]

runs the reference peer's script with that interpreter, then this benchmark under each backend,
and prints one table of ratios to the peer (`keras_seq2seq.cli.compare`).
"""

import argparse
import json
import time

import keras
import numpy as np

from keras_seq2seq import samplers
from keras_seq2seq.cli import compare, machine
from keras_seq2seq.cli.builder import build_model
from keras_seq2seq.cli.settings import ModelSettings
from keras_seq2seq.model import Seq2Seq

VOCAB, EMBED, UNITS, BATCH, SOURCE_LEN, TARGET_LEN = 8000, 256, 512, 64, 20, 20
STANDARD = ModelSettings(
    cell="lstm",
    embedding_dim=EMBED,
    units=UNITS,
    attention="luong",
    input_feeding=True,
    dropout=0.0,
)


def standard_model(seed: int = 0) -> Seq2Seq:
    """The benchmark's model: one LSTM layer each side, Luong general attention, input feeding."""
    return build_model(STANDARD, VOCAB, VOCAB, seed=seed)


def standard_batch(
    seed: int = 0, source_length: int = SOURCE_LEN
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Random ids in the benchmark shape (no padding), with a start token up front; sources of
    `source_length` tokens."""
    rng = np.random.default_rng(seed)
    source = rng.integers(4, VOCAB, (BATCH, source_length)).astype("int32")
    target = rng.integers(4, VOCAB, (BATCH, TARGET_LEN + 1)).astype("int32")
    target[:, 0] = 1
    return (source, target[:, :-1]), target[:, 1:]


def seconds_per_call(fn, reps: int) -> float:
    """The mean wall time of `fn` over `reps` calls, after two warm-up calls (compilation)."""
    fn()
    fn()
    start = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - start) / reps


def train_throughput(reps: int, source_length: int = SOURCE_LEN) -> dict:
    model = standard_model()
    model.compile(optimizer=keras.optimizers.Adam())
    x, y = standard_batch(source_length=source_length)
    results = {}
    for name, ratio in (("teacher_forcing", 1.0), ("scheduled_sampling", 0.5)):
        model.teacher_forcing_ratio.assign(ratio)
        seconds = seconds_per_call(lambda: model.train_on_batch(x, y), reps)
        results[f"train_{name}_tokens_per_s"] = BATCH * TARGET_LEN / seconds
    return results


def decode_throughput(reps: int, source_length: int = SOURCE_LEN) -> dict:
    model = standard_model()
    (source, _), _ = standard_batch(source_length=source_length)
    results = {}
    for name, sampler in (
        ("greedy", samplers.Greedy()),
        ("beam5", samplers.BeamSearch(5, length_penalty=0.6)),
    ):

        def decode(sampler=sampler):
            return model.generate(source, sampler=sampler, max_length=TARGET_LEN)

        start = time.perf_counter()
        decode()
        results[f"{name}_first_call_s"] = time.perf_counter() - start
        results[f"{name}_sentences_per_s"] = BATCH / seconds_per_call(decode, reps)
    return results


def roofline() -> dict:
    """The backend's matmul GFLOP/s in float32, and in bfloat16 where the CPU has it natively."""
    dtypes = ["float32"] + (["bfloat16"] if machine.has_native_bfloat16() else [])
    return {f"gemm_{dtype}_gflops": machine.gemm_gflops(dtype) for dtype in dtypes}


def device_name() -> str:
    """`"gpu"` when the active backend computes on a GPU, else `"cpu"`."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return jax.default_backend()
    if backend == "torch":
        import torch

        return "gpu" if torch.cuda.is_available() else "cpu"
    import tensorflow as tf

    return "gpu" if tf.config.list_logical_devices("GPU") else "cpu"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=10, help="timed calls per figure")
    parser.add_argument("--part", choices=("all", "train", "decode", "roofline"), default="all")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--source-length",
        type=int,
        default=SOURCE_LEN,
        help="source tokens per sentence (the peer's shape: 20; summarization: 250-400)",
    )
    parser.add_argument(
        "--dtype-policy",
        default="float32",
        help="a Keras dtype policy for the models, e.g. mixed_bfloat16",
    )
    parser.add_argument(
        "--compare-peer",
        metavar="PYTHON",
        help="run the peer's script with this interpreter, then every backend; print the ratios",
    )
    parser.add_argument("--peer-script", default=compare.PEER_SCRIPT, help="the peer's script")
    args = parser.parse_args(argv)
    if args.compare_peer:
        extra = ("--dtype-policy", args.dtype_policy)
        results = compare.compare(
            args.compare_peer, args.peer_script, args.reps, bench_arguments=extra
        )
        results["cpu"] = machine.cpu_description()
        print(f"CPU: {results['cpu']['model']} ({', '.join(results['cpu']['flags'])})")
        print(compare.ratio_table(results))
    else:
        keras.mixed_precision.set_dtype_policy(args.dtype_policy)
        results = {
            "backend": keras.backend.backend(),
            "keras": keras.__version__,
            "dtype_policy": args.dtype_policy,
            "device": device_name(),
            "source_length": args.source_length,
            "cpu": machine.cpu_description(),
        }
        if args.part in ("all", "train"):
            results.update(train_throughput(args.reps, args.source_length))
        if args.part in ("all", "decode"):
            results.update(decode_throughput(args.reps, args.source_length))
        if args.part in ("all", "roofline"):
            results.update(roofline())
        print(json.dumps(results, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return results


if __name__ == "__main__":
    main()
