"""Compiling an inference function of a model, the one backend-specific place for decoding.

TensorFlow traces it with `tf.function` and compiles it with XLA, which fuses the per-step
elementwise work; JAX jits a stateless version that takes the model's variables as arguments (so
later training is seen without retracing); PyTorch runs it eagerly under
`torch.inference_mode()`, which skips more bookkeeping than `torch.no_grad()`. The README's
"Benchmark" section has the measured effect of each.
"""

from collections.abc import Callable

import keras


def compile_inference(model: keras.Model, fn: Callable) -> Callable:
    """Returns `fn` compiled for the active backend; `fn` reads `model`'s variables."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True, reduce_retracing=True)
    if backend == "jax":
        import jax

        def stateless(trainable, non_trainable, *args):
            mapping = list(zip(model.trainable_variables, trainable, strict=True))
            mapping += list(zip(model.non_trainable_variables, non_trainable, strict=True))
            with keras.StatelessScope(state_mapping=mapping):
                return fn(*args)

        jitted = jax.jit(stateless)

        def run(*args):
            return jitted(
                [v.value for v in model.trainable_variables],
                [v.value for v in model.non_trainable_variables],
                *args,
            )

        return run
    import torch

    def run_inference_mode(*args):
        with torch.inference_mode():
            return fn(*args)

    return run_inference_mode
