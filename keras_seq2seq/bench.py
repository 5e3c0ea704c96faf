"""`python -m keras_seq2seq.bench`: the benchmark, `keras_seq2seq.cli.bench`."""

from keras_seq2seq.cli.bench import main

if __name__ == "__main__":
    main()
