"""Data-parallel training with scheduled sampling on the devices of the active backend.

    KERAS_BACKEND=jax python examples/data_parallel.py                    # every GPU (or the CPU)
    KERAS_BACKEND=tensorflow python examples/data_parallel.py --cpu-devices 2  # try it on a CPU

JAX uses `keras.distribution.DataParallel`, TensorFlow `tf.distribute.MirroredStrategy`; Keras 3.15
has no data-parallel `fit` for PyTorch (the script says so and stops). Each replica trains on its
share of every global batch and draws its own rows of the teacher/model choices.
"""

import argparse

import keras
import numpy as np

from keras_seq2seq import Seq2Seq, callbacks, datasets, distribute, schedules
from keras_seq2seq.layers import Decoder, Encoder

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--cpu-devices", type=int, help="split the CPU into this many devices")
parser.add_argument("--samples", type=int, default=4000)
parser.add_argument("--epochs", type=int, default=8)
args = parser.parse_args()
if args.cpu_devices:
    distribute.split_cpu(args.cpu_devices)  # before the backend computes anything

keras.utils.set_random_seed(0)
(source, decoder_inputs), labels = datasets.reverse_digits(args.samples, seed=1)
(test_source, _), test_labels = datasets.reverse_digits(500, seed=2)
vocabulary_size = datasets.DIGITS_VOCABULARY_SIZE

with distribute.data_parallel() as replicas:
    print(f"{replicas} replicas on {keras.backend.backend()}")
    model = Seq2Seq(
        Encoder(vocabulary_size, embedding_dim=16, units=48),
        Decoder(vocabulary_size, embedding_dim=16, units=48, attention="luong"),
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    schedule = callbacks.TeacherForcingSchedule(schedules.Linear(1.0, slope=0.002, floor=0.5))
    model.fit(
        (source, decoder_inputs),
        labels,
        batch_size=64,  # the global batch: 64 / replicas rows per replica
        epochs=args.epochs,
        callbacks=[schedule],
    )

predicted = model.generate(test_source, max_length=test_labels.shape[1])["token_ids"][:, 0]
print("held-out exact match:", np.mean(np.all(predicted == test_labels, axis=1)))
