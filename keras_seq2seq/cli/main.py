"""`keras-seq2seq ...`: parses the command line and runs the subcommand.

Parsing imports neither Keras nor a backend, so `--help` and bad flags answer at once; the
subcommands' modules (and with them Keras, TensorFlow and the backend) load after parsing.
"""

import contextlib
import os
import re
import sys
import threading
from collections.abc import Iterator

from keras_seq2seq.cli import parser, settings

# Level 3 hides TensorFlow's C++ INFO, WARNING and ERROR lines (the oneDNN and CPU-feature
# notices, and "failed call to cuInit" on machines without a usable GPU), keeping FATAL.
_QUIET_TF_CPP_LOG_LEVEL = "3"
# What TensorFlow's shared libraries log while they load, before they read
# TF_CPP_MIN_LOG_LEVEL (TensorFlow 2.21): absl's notice that it writes to stderr, then lines
# like `I0000 00:00:<seconds>.<microseconds> <thread> port.cc:153] oneDNN custom operations...`.
_LOAD_TIME_LOG = re.compile(
    rb"WARNING: All log messages before absl::InitializeLog\(\) is called"
    rb"|[IWE]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w.]+:\d+\] "
)


def main(argv: list[str] | None = None) -> None:
    """Runs the command line (`keras-seq2seq --help`); bad input exits with status 2, Ctrl-C
    with status 130."""
    flags = parser.build_parser()
    args = flags.parse_args(argv)

    def translator():
        return commands.load_translator(args.model, parser.decoding_settings(args))

    try:
        with _quiet_tensorflow_log():  # the subcommands' modules import Keras and the backend
            from keras_seq2seq.cli import commands, demo
        if args.command == "demo":
            demo.run(args.run_dir, demo.QUICK if args.quick else demo.Budget(), seed=args.seed)
        elif args.command == "train":
            commands.train(parser.run_settings(args), args.run_dir)
        elif args.command == "evaluate":
            pairs = commands.read_pairs(args.tsv)  # checked before the slower load
            commands.evaluate(translator(), pairs, args.batch_size, args.output, args.metric)
        elif args.command == "translate":
            commands.translate(translator(), args.input, args.batch_size)
        elif args.command == "tune":
            _tune(commands, args)
        else:
            commands.export(translator(), args.output)
    except (FileNotFoundError, FileExistsError, ValueError) as error:
        flags.exit(2, f"keras-seq2seq {args.command}: error: {error}\n")
    except KeyboardInterrupt:
        # Ctrl-C: one line, no traceback; every file written so far is whole (atomic writes).
        resume = " Run the same command again to resume." if args.command == "train" else ""
        flags.exit(130, f"keras-seq2seq {args.command}: interrupted.{resume}\n")


def _tune(commands, args) -> None:
    pairs = commands.read_pairs(args.tsv)
    path = commands.translator_file(args.model)
    translator = commands.load_translator(
        path, settings.DecodingSettings(beam_width=args.beam_width, length_penalty=None)
    )
    commands.tune_length_penalty(
        translator, pairs, args.length_penalties, args.metric, args.batch_size
    )
    if args.save:
        translator.save(path)
        print(f"Saved {path} with {translator.sampler!r}.")


@contextlib.contextmanager
def _quiet_tensorflow_log() -> Iterator[None]:
    """Keeps TensorFlow's C++ log below FATAL off stderr, if this loads TensorFlow.

    Sets TF_CPP_MIN_LOG_LEVEL, and while the block runs, passes what is written to stderr
    through a filter that drops the lines the libraries log while they load (which no setting
    reaches); everything else (a FATAL line, a warning, a traceback) goes through at once.
    Nothing changes when the user set TF_CPP_MIN_LOG_LEVEL (`TF_CPP_MIN_LOG_LEVEL=0
    keras-seq2seq ...` shows the whole log) or when TensorFlow is already loaded, by the program
    that calls `main`.
    """
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ or "tensorflow" in sys.modules:
        yield
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = _QUIET_TF_CPP_LOG_LEVEL
    sys.stderr.flush()
    stderr = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)

    def forward() -> None:
        with os.fdopen(read_end, "rb") as pipe:
            for line in pipe:
                if not _LOAD_TIME_LOG.match(line):
                    os.write(stderr, line)

    # A thread reads the pipe as it fills, so the libraries never block on it.
    reader = threading.Thread(target=forward, daemon=True)
    reader.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(stderr, 2)  # closes the pipe's last write end: the reader sees its end
        reader.join()
        os.close(stderr)
