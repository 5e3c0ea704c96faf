"""`keras-seq2seq ...`: parses the command line and runs the subcommand."""

from keras_seq2seq.cli import commands, parser


def main(argv: list[str] | None = None) -> None:
    """Runs the command line (`keras-seq2seq --help`); bad input exits with status 2."""
    flags = parser.build_parser()
    args = flags.parse_args(argv)

    def translator():
        return commands.load_translator(args.model, parser.decoding_settings(args))

    try:
        if args.command == "demo":
            from keras_seq2seq.cli import demo

            demo.run(args.run_dir, demo.QUICK if args.quick else demo.Budget(), seed=args.seed)
        elif args.command == "train":
            commands.train(parser.run_settings(args), args.run_dir)
        elif args.command == "evaluate":
            pairs = commands.read_evaluation_pairs(args.tsv)  # checked before the slower load
            commands.evaluate(translator(), pairs, args.batch_size, args.output)
        elif args.command == "translate":
            commands.translate(translator(), args.input, args.batch_size)
        else:
            commands.export(translator(), args.output)
    except (FileNotFoundError, FileExistsError, ValueError) as error:
        flags.exit(2, f"keras-seq2seq {args.command}: error: {error}\n")
