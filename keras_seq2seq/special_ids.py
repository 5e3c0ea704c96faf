"""The reserved token ids: every model, loss and metric in this package uses them."""

PAD_ID = 0  # padding; never counted in losses and metrics; always at the end of a row
START_ID = 1  # the first decoder input of every target
END_ID = 2  # the last label of every target; decoding stops after it
UNK_ID = 3  # a token outside the vocabulary
