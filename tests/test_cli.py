"""The `keras-seq2seq` command line: train -> evaluate -> translate -> export, resume, errors."""

import csv
import io
import json
import os
import shutil

import pytest
from helpers import write_tsv

from keras_seq2seq import cli, datasets
from keras_seq2seq.cli import builder, parser
from keras_seq2seq.serving.translator import Translator
from keras_seq2seq.training.callbacks import TimeBudget

SMALL_MODEL = ["--embedding-dim", "16", "--units", "32", "--dropout", "0", "--label-smoothing", "0"]


@pytest.fixture(scope="module")
def tsv_files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("data")
    train = write_tsv(directory / "train.tsv", datasets.spelled_digits(1500, seed=1))
    valid = write_tsv(directory / "valid.tsv", datasets.spelled_digits(100, seed=2))
    return train, valid


def _train_args(tsv_files, run_dir, *extra):
    train, valid = tsv_files
    return [
        "train", "--train", train, "--valid", valid, "--run-dir", str(run_dir),
        "--source-level", "character", "--target-level", "word", "--learning-rate", "0.01",
        *SMALL_MODEL, *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def run_dir(tsv_files, tmp_path_factory):
    run = tmp_path_factory.mktemp("run")
    flags = ["--epochs", "4", "--schedule", "linear", "--schedule-value", "0.01",
             "--average-last", "3"]  # fmt: skip
    cli.main(_train_args(tsv_files, run, *flags))
    cli.main(_train_args(tsv_files, run, *flags))  # finished: returns at once
    return run


def test_train_writes_a_complete_run_directory(run_dir):
    names = set(os.listdir(run_dir))
    assert {"config.json", "log.csv", "translator.keras", "processors", "done.json"} <= names
    assert "translator.averaged.keras" in names  # --average-last 3
    assert "backup" not in names  # removed once training finishes
    with open(run_dir / "log.csv") as file:
        rows = list(csv.DictReader(file))
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2, 3]
    assert float(rows[-1]["teacher_forcing_ratio"]) == pytest.approx(0.5)
    config = json.loads((run_dir / "config.json").read_text())
    assert config["version"] == 2
    assert config["model"]["units"] == 32 and config["training"]["schedule"] == "linear"
    translator = Translator.load(run_dir / "translator.keras")
    assert translator.source_processor.level == "character"
    best = json.loads((run_dir / "translator.keras.best.json").read_text())
    best_epoch = min(float(r["val_loss"]) for r in rows)
    if "averaged_epochs" in best:  # the average of epochs 2-4 won
        assert best["averaged_epochs"] == [2, 3, 4] and best["val_loss"] < best_epoch
    else:
        assert best["val_loss"] == pytest.approx(best_epoch)


def test_monitor_chrf_keeps_the_epoch_whose_translations_score_best(tsv_files, tmp_path, capsys):
    run = tmp_path / "run"
    flags = ["--epochs", "2", "--monitor", "chrf", "--patience", "1", "--beam-width", "1"]
    cli.main(_train_args(tsv_files, run, *flags))
    with open(run / "log.csv") as file:
        chrf = [float(row["val_chrf"]) for row in csv.DictReader(file)]
    best = json.loads((run / "translator.keras.best.json").read_text())
    assert best["val_chrf"] == pytest.approx(max(chrf))
    capsys.readouterr()
    cli.main(["evaluate", "--model", str(run), "--tsv", tsv_files[1]])
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["chrf"] == pytest.approx(max(chrf))


def test_tune_saves_the_length_penalty_that_scores_best(run_dir, tsv_files, tmp_path, capsys):
    model = tmp_path / "model.keras"
    shutil.copy(run_dir / "translator.keras", model)
    capsys.readouterr()
    tune = ["tune", "--model", str(model), "--tsv", tsv_files[1], "--length-penalties", "2", "0"]
    cli.main([*tune, "--beam-width", "3", "--save"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()[:2]]
    assert [row["length_penalty"] for row in rows] == [0.0, 2.0]
    best = max(rows, key=lambda row: (row["bleu"], -row["length_penalty"]))
    sampler = Translator.load(model).sampler
    assert (sampler.beam_width, sampler.length_penalty) == (3, best["length_penalty"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*tune, "--beam-width", "1"])
    assert exit_info.value.code == 2
    assert "--beam-width 2 or more" in capsys.readouterr().err


def test_evaluate_reports_bleu_chrf_and_exact_match(run_dir, tsv_files, tmp_path, capsys):
    output = tmp_path / "hypotheses.txt"
    cli.main(["evaluate", "--model", str(run_dir), "--tsv", tsv_files[1], "--output", str(output)])
    scores = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert scores["pairs"] == 100
    assert scores["bleu"] > 50 and scores["chrf"] > 70 and scores["exact_match"] > 0.3, scores
    assert len(output.read_text(encoding="utf-8").splitlines()) == 100
    cli.main(["evaluate", "--model", str(run_dir), "--tsv", tsv_files[1], "--metric",
              "summarization"])  # fmt: skip
    summarization = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summarization["rouge1"] > 50 and summarization["bleu"] == pytest.approx(scores["bleu"])


def test_translate_from_stdin_and_file(run_dir, tmp_path, capsys, monkeypatch):
    texts = ["123", "", "9\u20280"]  # U+2028 is a line break to str.splitlines, not to a file
    expected = Translator.load(run_dir / "translator.keras").translate(texts)
    lines = "\n".join(texts) + "\n"
    stdin = io.TextIOWrapper(io.BytesIO(lines.encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    cli.main(["translate", "--model", str(run_dir), "--batch-size", "2"])
    assert capsys.readouterr().out.split("\n")[:-1] == expected
    assert not stdin.buffer.closed
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    cli.main(["translate", "--model", str(run_dir)])
    assert capsys.readouterr().out.split("\n")[:-1] == expected
    source = tmp_path / "input.txt"
    source.write_text(lines, encoding="utf-8")
    cli.main(["translate", "--model", str(run_dir / "translator.keras"), "--input", str(source),
              "--beam-width", "4"])  # fmt: skip
    assert capsys.readouterr().out.split("\n")[:-1] == expected


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_translate_writes_one_line_per_input_line_whatever_it_holds(
    run_dir, tmp_path, capsys, ending
):
    texts = ["12\r34", "", "5\u20286", "7\x008", "9\x0b\x0c\x1c\x85\u2029"]
    source = tmp_path / "input.txt"
    source.write_bytes(ending.join(texts).encode("utf-8"))  # the last line has no ending
    cli.main(["translate", "--model", str(run_dir), "--input", str(source)])
    lines = capsys.readouterr().out.split("\n")[:-1]
    expected = Translator.load(run_dir / "translator.keras").translate(texts)
    assert lines == [" ".join(t.splitlines()) for t in expected] and len(lines) == len(texts)


def test_export_writes_a_saved_model(run_dir, tmp_path):
    cli.main(["export", "--model", str(run_dir), "--output", str(tmp_path / "serving")])
    assert os.path.exists(tmp_path / "serving" / "saved_model.pb")


def test_ctrl_c_ends_with_one_line_and_the_run_keeps_its_settings(
    tsv_files, tmp_path, monkeypatch, capsys
):
    def interrupt_at_second_epoch(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt

    args = _train_args(tsv_files, tmp_path, "--epochs", "3", "--time-budget", "60")
    monkeypatch.setattr(TimeBudget, "on_epoch_begin", interrupt_at_second_epoch, raising=False)
    with pytest.raises(SystemExit) as exit_info:  # Ctrl-C: one line saying how to resume
        cli.main(args)
    assert exit_info.value.code == 130
    assert capsys.readouterr().err == (
        "keras-seq2seq train: interrupted. Run the same command again to resume.\n"
    )
    assert os.path.isdir(tmp_path / "backup") and not os.path.exists(tmp_path / "done.json")
    monkeypatch.undo()
    with pytest.raises(SystemExit):  # other settings are refused, naming them
        cli.main([*args, "--units", "48"])
    assert "units: 32 -> 48" in capsys.readouterr().err
    # Resuming to a complete run: tests/reliability/test_resume.py, after a SIGKILL.


def test_schedule_defaults_depend_on_the_schedule():
    flags = parser.build_parser()
    expected = {"linear": ("slope", 1e-4), "exponential": ("k", 0.9999),
                "inverse_sigmoid": ("k", 1000.0), "constant": ("ratio", 0.9)}  # fmt: skip
    for name, (key, value) in expected.items():
        args = flags.parse_args(["train", "--train", "t", "--run-dir", "r", "--schedule", name])
        schedule = builder.build_schedule(parser.run_settings(args).training)
        assert schedule.get_config()[key] == pytest.approx(value)


def test_errors_name_the_bad_input(tsv_files, tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("one\tline\nno tab\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        cli.main(_train_args((str(bad), None), tmp_path / "run", "--epochs", "1"))
    assert exit_info.value.code == 2
    assert "bad.tsv:2" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["evaluate", "--model", str(tmp_path / "missing"), "--tsv", tsv_files[1]])
    assert "missing" in capsys.readouterr().err
