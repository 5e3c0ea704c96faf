"""`python -m keras_seq2seq` runs the `keras-seq2seq` command line."""

from keras_seq2seq.cli import main

main()
