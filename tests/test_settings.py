"""Run settings: validation, the versioned `config.json` format, 0.1 files, and what they build."""

import dataclasses
import json

import pytest
from helpers import assert_rejected

from keras_seq2seq import samplers, schedules
from keras_seq2seq.cli import builder, parser
from keras_seq2seq.cli.run_directory import RunDirectory
from keras_seq2seq.cli.settings import (
    DataSettings,
    DecodingSettings,
    ModelSettings,
    RunSettings,
    TrainingSettings,
)

# A `config.json` as keras-seq2seq 0.1 wrote it: the parsed flags, flat.
VERSION_1 = {
    "train": "train.tsv", "valid": None, "source_level": "subword", "target_level": "word",
    "vocabulary_size": 8000, "case_fold": False, "processors_from": None,
    "max_source_length": 100, "max_target_length": 80, "too_long": "truncate", "cell": "gru",
    "layers": 2, "embedding_dim": 256, "units": 512, "bidirectional": True,
    "reverse_source": False, "attention": "bahdanau", "no_input_feeding": True, "dropout": 0.2,
    "batch_size": 64, "epochs": 10, "learning_rate": 0.001, "label_smoothing": 0.1,
    "schedule": "linear", "schedule_value": None, "schedule_floor": 0.5, "time_budget": 0.0,
    "seed": 0, "beam_width": 4, "length_penalty": 0.6, "max_length": 60,
}  # fmt: skip


def _settings(**training) -> RunSettings:
    return RunSettings(data=DataSettings(train="train.tsv"), training=TrainingSettings(**training))


def test_to_dict_and_back():
    settings = _settings(epochs=3, schedule="exponential", schedule_value=0.999)
    stored = json.loads(json.dumps(settings.to_dict()))
    assert stored["version"] == 2 and stored["training"]["epochs"] == 3
    assert RunSettings.from_dict(stored) == settings


def test_a_0_1_config_reads_as_the_same_settings():
    settings = RunSettings.from_dict(VERSION_1)
    assert settings.model.input_feeding is False and settings.model.cell == "gru"
    assert settings.decoding.max_output_length == 60
    assert settings.data.max_target_length == 80 and settings.training.schedule == "linear"
    flags = parser.build_parser().parse_args(
        ["train", "--train", "train.tsv", "--target-level", "word", "--max-target-length", "80",
         "--cell", "gru", "--layers", "2", "--bidirectional", "--attention", "bahdanau",
         "--no-input-feeding", "--schedule", "linear", "--max-output-length", "60",
         "--run-dir", "r"]
    )  # fmt: skip
    assert parser.run_settings(flags) == settings


def test_differences_name_each_setting():
    assert _settings(epochs=3).differences(_settings(epochs=4, seed=1)) == [
        "epochs: 3 -> 4",
        "seed: 0 -> 1",
    ]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: TrainingSettings(learning_rate=-1.0), "learning_rate=-1.0"),
        (lambda: TrainingSettings(epochs=0), "epochs=0"),
        (lambda: TrainingSettings(schedule="cosine"), "schedule='cosine'"),
        (lambda: ModelSettings(units=0), "units=0"),
        (lambda: ModelSettings(dropout=1.0), "dropout=1.0"),
        (lambda: DataSettings(train="t", too_long="wrap"), "too_long='wrap'"),
        (lambda: DecodingSettings(beam_width=0), "beam_width=0"),
        (lambda: RunSettings.from_dict({"version": 9}), "format version 9"),
        (lambda: RunSettings.from_dict({**VERSION_1, "colour": 1}), r"\['colour'\]"),
        (lambda: RunSettings.from_dict({"version": 2, "data": {}}), "'data'"),
        (lambda: RunSettings.from_dict([1]), "JSON object"),
        (
            lambda: DataSettings(train="t", target_level="word", joint_vocabulary=True),
            "source_level='subword', target_level='word'",
        ),
        (lambda: ModelSettings(attention="none", copy_attention=True), "attention='none'"),
        (lambda: TrainingSettings(average_last=1), "average_last=1"),
        (
            lambda: ModelSettings(attention="none", coverage_loss_weight=0.5),
            "attention='none'",
        ),
        (lambda: ModelSettings(coverage_loss_weight=-1.0), "coverage_loss_weight=-1.0"),
        (lambda: TrainingSettings(average_last=-2), "average_last=-2"),
        (lambda: TrainingSettings(monitor="bleu4"), "monitor='bleu4'"),
        (
            lambda: RunSettings(DataSettings(train="t"), ModelSettings(share_embeddings=True)),
            "share_embeddings .* --joint-vocabulary",
        ),
        (lambda: TrainingSettings(patience=-1), "patience=-1"),
        (lambda: _settings(monitor="chrf"), "valid=None"),
        (
            lambda: RunSettings(DataSettings(train="t"), ModelSettings(copy_attention=True)),
            "--joint-vocabulary",
        ),
    ],
)
def test_bad_settings_name_the_value(make, message):
    assert_rejected(make, message)


def test_a_garbled_config_names_its_file(tmp_path):
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="config.json is not valid JSON"):
        RunDirectory(str(tmp_path)).start(_settings())


def test_deprecated_max_length_flag():
    flags = parser.build_parser()
    args = flags.parse_args(["translate", "--model", "m", "--max-length", "12"])
    with pytest.warns(FutureWarning, match="--max-output-length"):
        assert parser.decoding_settings(args).max_output_length == 12
    both = flags.parse_args(["translate", "--model", "m", "--max-length", "1",
                             "--max-output-length", "2"])  # fmt: skip
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="pass only one"):
        parser.decoding_settings(both)


def test_builder_follows_the_settings():
    model = builder.build_model(
        ModelSettings(cell="gru", layers=2, bidirectional=True, target_embedding_dim=8,
                      attention="none", input_feeding=False, dropout=0.0),
        30, 40, seed=3,
    )  # fmt: skip
    assert model.encoder.bidirectional and model.encoder.num_layers == 2
    assert model.decoder.bridge == "dense" and model.decoder.attention is None
    assert (model.decoder.embedding_dim, model.decoder.vocabulary_size) == (8, 40)
    assert model.seed == 3 and model.decoder.seed == 3
    assert isinstance(builder.build_sampler(DecodingSettings(beam_width=1)), samplers.Greedy)
    beam = builder.build_sampler(DecodingSettings(beam_width=3, length_penalty=0.2))
    assert (beam.beam_width, beam.length_penalty) == (3, 0.2)
    assert builder.build_schedule(TrainingSettings()) is None
    linear = builder.build_schedule(TrainingSettings(schedule="linear", schedule_floor=0.25))
    assert isinstance(linear, schedules.Linear) and linear.get_config()["floor"] == 0.25


def _replaced(saved, beam_width=None, length_penalty=None):
    settings = DecodingSettings(beam_width=beam_width, length_penalty=length_penalty)
    return builder.replace_search(saved, settings).get_config()


def test_a_new_beam_width_keeps_a_tuned_length_penalty():
    tuned = samplers.BeamSearch(5, length_penalty=1.5, coverage_penalty=0.2)
    assert builder.replace_search(tuned, DecodingSettings(None, None)) is tuned
    assert _replaced(tuned, beam_width=8) == {**tuned.get_config(), "beam_width": 8}
    assert _replaced(tuned, length_penalty=0.0) == {**tuned.get_config(), "length_penalty": 0.0}
    assert _replaced(tuned, 2, 1.0) == {
        **tuned.get_config(),
        "beam_width": 2,
        "length_penalty": 1.0,
    }
    assert isinstance(builder.replace_search(tuned, DecodingSettings(1, None)), samplers.Greedy)
    fresh = _replaced(samplers.Greedy(), beam_width=4)
    assert (fresh["beam_width"], fresh["length_penalty"]) == (4, DecodingSettings().length_penalty)


@pytest.mark.parametrize(
    "saved, beam_width",
    [(samplers.Greedy(), None), (samplers.Sampling(top_p=0.9), None), (samplers.BeamSearch(), 1)],
)
def test_a_length_penalty_without_beam_search_is_refused(saved, beam_width):
    with pytest.raises(ValueError, match="needs beam search.*length_penalty=1.0"):
        _replaced(saved, beam_width, 1.0)


@pytest.mark.parametrize("level, size", [("word", 20), ("sentencepiece", 300)])
def test_a_joint_vocabulary_is_learned_from_both_sides_and_shared(level, size):
    data = DataSettings(train="t", source_level=level, target_level=level,
                        vocabulary_size=size, joint_vocabulary=True)  # fmt: skip
    source, target = builder.adapt_processors(data, [("open file", "Datei öffnen")])
    assert source.vocabulary == target.vocabulary
    assert source.vocabulary_data() == target.vocabulary_data()
    ids = target.tokenize(["open Datei öffnen"])  # both sides' words, none unknown
    assert 3 not in ids.flat_values.numpy()
    assert source.detokenize(ids).numpy()[0].decode() == "open Datei öffnen"
    assert (source.name, target.name) == ("source", "target")
    settings = ModelSettings(units=8, embedding_dim=4, copy_attention=True,
                             coverage_loss_weight=0.5, tie_embeddings=True,
                             share_embeddings=True)  # fmt: skip
    model = builder.build_model(settings, source.vocabulary_size, target.vocabulary_size)
    assert model.decoder.copy_attention and model.decoder.coverage_loss_weight == 0.5
    assert model.decoder.tie_embeddings and model.decoder.attention_layer_size == 4
    assert model.share_embeddings and model.encoder.embedding is model.decoder.embedding


def test_every_setting_has_a_flag():
    args = vars(parser.build_parser().parse_args(["train", "--train", "t", "--run-dir", "r"]))
    parts = (DataSettings, ModelSettings, TrainingSettings)
    names = {field.name for part in parts for field in dataclasses.fields(part)}
    # --no-input-feeding; the demo's narrower target embeddings have no flag
    assert names - set(args) == {"input_feeding", "target_embedding_dim"}
    defaults = parser.run_settings(parser.build_parser().parse_args(
        ["train", "--train", "t", "--run-dir", "r"]))  # fmt: skip
    assert defaults == RunSettings(data=DataSettings(train="t"))
