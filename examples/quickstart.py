"""The README's quickstart: learn to reverse digit strings with attention and scheduled sampling.

KERAS_BACKEND=jax python examples/quickstart.py   # or tensorflow, torch
"""

import keras
import numpy as np

from keras_seq2seq import Seq2Seq, callbacks, datasets, samplers, schedules
from keras_seq2seq.layers import Decoder, Encoder

keras.utils.set_random_seed(0)  # repeatable runs
(source, decoder_inputs), labels = datasets.reverse_digits(4000, seed=1)
(test_source, _), test_labels = datasets.reverse_digits(500, seed=2)
vocabulary_size = datasets.DIGITS_VOCABULARY_SIZE  # 10 digits + pad, start, end, unknown

model = Seq2Seq(
    Encoder(vocabulary_size, embedding_dim=16, units=48),
    Decoder(vocabulary_size, embedding_dim=16, units=48, attention="luong"),
)
model.compile(optimizer=keras.optimizers.Adam(0.01))  # masked loss, accuracy, exact match
schedule = callbacks.TeacherForcingSchedule(schedules.Linear(1.0, slope=0.002, floor=0.5))
model.fit((source, decoder_inputs), labels, batch_size=64, epochs=8, callbacks=[schedule])

for sampler in (samplers.Greedy(), samplers.BeamSearch(beam_width=4)):
    outputs = model.generate(test_source, sampler=sampler, max_length=test_labels.shape[1])
    predicted = outputs["token_ids"][:, 0]  # the best hypothesis per row
    print(sampler, "held-out exact match:", np.mean(np.all(predicted == test_labels, axis=1)))
print("source   ", test_source[0] - 4, "\npredicted", predicted[0] - 4)
