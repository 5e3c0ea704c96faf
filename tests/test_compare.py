"""`cli.compare`: the peer and the backends in one run, and the ratio table."""

import sys
import textwrap

import pytest

from keras_seq2seq.cli import compare

PEER = {
    "train_teacher_forcing_tokens_per_s": 2000.0,
    "train_scheduled_sampling_tokens_per_s": 1800.0,
    "greedy_sentences_per_s": 400.0,
    "beam5_sentences_per_s": 50.0,
}


def test_ratio_table_divides_each_figure_by_the_peer_s():
    ours = {key: 2 * value for key, value in PEER.items()} | {"gemm_float32_gflops": 190.4}
    results = {"peer": PEER, "jax": ours, "torch": {"greedy_sentences_per_s": 200}, "cpu": {}}
    table = compare.ratio_table(results)
    assert table.splitlines() == [
        "| figure | peer | jax (x peer) | torch (x peer) |",
        "|---|---|---|---|",
        "| train, teacher forcing, tokens/s | 2,000 | 4,000 (2.00x) |  |",
        "| train, scheduled sampling 0.5, tokens/s | 1,800 | 3,600 (2.00x) |  |",
        "| greedy, sentences/s | 400 | 800 (2.00x) | 200 (0.50x) |",
        "| beam 5, sentences/s | 50 | 100 (2.00x) |  |",
        "| float32 matmul roofline, GFLOP/s |  | 190 |  |",
        "| bfloat16 matmul roofline, GFLOP/s |  |  |  |",
    ]


def test_compare_runs_the_peer_script_with_its_interpreter(tmp_path):
    script = tmp_path / "peer.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import json, sys
            assert sys.argv[1:3] == ["--reps", "3"]
            json.dump({PEER!r}, open(sys.argv[4], "w"))
            """
        )
    )
    assert compare.compare(sys.executable, str(script), reps=3, backends=()) == {"peer": PEER}
    script.write_text("raise SystemExit('no tensorflow-addons here')")
    with pytest.raises(RuntimeError, match="(?s)exit 1.*no tensorflow-addons here"):
        compare.compare(sys.executable, str(script), reps=3, backends=())
    with pytest.raises(FileNotFoundError, match="pass --peer-script"):
        compare.compare(sys.executable, str(tmp_path / "missing.py"), backends=())
