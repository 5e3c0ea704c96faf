"""The scheduled-sampling `train_step`, one class per backend, chosen at import time.

Only the gradient mechanics differ per backend, as in Keras's own trainers. The math lives in the
model: `draw_teacher_forcing` (the ratio and the bool `(batch, T)` matrix of positions fed the
true previous token, from the model's seed generator), `branch_on_teacher_forcing` (the fast
path for a batch taught entirely by teacher forcing) and `call(..., teacher_forced=...)`. Each
step reports the ratio it used as `teacher_forcing_ratio` in the logs.
"""

import keras
from keras import tree

from keras_seq2seq.training.losses import MaskedCrossEntropy, token_weights


def _batch_size(x):
    return keras.ops.shape(next(i for i in tree.flatten(x) if i is not None))[0]


def _replica_token_share(y, sample_weight, loss):
    """`replicas * tokens here / tokens everywhere` under a `tf.distribute` strategy, else 1.

    Keras averages the replicas' losses, each (with `MaskedCrossEntropy`) a mean over that
    replica's tokens; scaling each by its share of the global batch's tokens turns that into the
    mean over all tokens, the loss a single device computes for the global batch (and JAX's
    `DataParallel` computes). Other losses keep Keras's average of the replicas.
    """
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    replicated = context is not None and context.num_replicas_in_sync > 1
    if not (replicated and isinstance(loss, MaskedCrossEntropy)):
        return 1.0
    tokens = tf.reduce_sum(token_weights(y, loss.pad_id, sample_weight))
    total = context.all_reduce(tf.distribute.ReduceOp.SUM, tokens)
    return tf.math.divide_no_nan(tokens * context.num_replicas_in_sync, total)


class TensorFlowTrainer:
    def train_step(self, data):
        import tensorflow as tf

        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        ratio, teacher_forced = self.draw_teacher_forcing(x)
        weights = self.trainable_weights
        share = _replica_token_share(y, sample_weight, self.loss)

        def forward_and_gradients(path):
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True, teacher_forced=path)
                loss = share * self._compute_loss(
                    x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
                )
                scaled_loss = loss if self.optimizer is None else self.optimizer.scale_loss(loss)
            gradients = tape.gradient(scaled_loss, weights)
            # Both branches must return dense gradients (embeddings give IndexedSlices in one).
            return loss, y_pred, [None if g is None else tf.convert_to_tensor(g) for g in gradients]

        # Each branch holds its own gradient: XLA cannot compile the gradient of a loop inside a
        # conditional.
        loss, y_pred, gradients = self.branch_on_teacher_forcing(
            teacher_forced, forward_and_gradients
        )
        # Keras divides the loss by the replica count under tf.distribute; undo it for logs.
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        self._loss_tracker.update_state(loss * replicas, sample_weight=_batch_size(x))
        if weights:
            self.optimizer.apply_gradients(zip(gradients, weights, strict=True))
        logs = self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)
        logs["teacher_forcing_ratio"] = ratio
        return logs


class JaxTrainer:
    def train_step(self, state, data):
        import jax

        trainable, non_trainable, optimizer_variables, metrics_variables = state
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        mapping = list(zip(self.non_trainable_variables, non_trainable, strict=True))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            ratio, teacher_forced = self.draw_teacher_forcing(x)
        non_trainable = [scope.get_current_value(v) for v in self.non_trainable_variables]

        def loss_fn(trainable, non_trainable, metrics_variables):
            # The draws inside the forward pass return their new seeds through `stateless_call`,
            # so they may sit inside the branch.
            y_pred, non_trainable, losses = self.branch_on_teacher_forcing(
                teacher_forced,
                lambda path: self.stateless_call(
                    trainable,
                    non_trainable,
                    x,
                    return_losses=True,
                    training=True,
                    teacher_forced=path,
                ),
            )
            if losses:
                self._losses_override = losses
            loss, (_, non_trainable, metrics_variables) = self.stateless_compute_loss(
                trainable,
                non_trainable,
                metrics_variables,
                x=x,
                y=y,
                y_pred=y_pred,
                sample_weight=sample_weight,
                training=True,
            )
            if losses:
                self._losses_override = []
            unscaled_loss = loss
            if self.optimizer is not None:
                optimizer_mapping = list(
                    zip(self.optimizer.variables, optimizer_variables, strict=True)
                )
                with keras.StatelessScope(state_mapping=optimizer_mapping):
                    loss = self.optimizer.scale_loss(loss)
            return loss, (unscaled_loss, y_pred, non_trainable, metrics_variables)

        grad_fn = jax.value_and_grad(loss_fn, has_aux=True)
        (_, aux), grads = grad_fn(trainable, non_trainable, metrics_variables)
        unscaled_loss, y_pred, non_trainable, metrics_variables = aux
        trainable, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable
        )
        logs, metrics_variables = self._update_metrics_variables(
            metrics_variables, unscaled_loss, x, y, y_pred, sample_weight
        )
        logs["teacher_forcing_ratio"] = ratio
        return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)


class TorchTrainer:
    def train_step(self, data):
        import torch

        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with torch.no_grad():
            ratio, teacher_forced = self.draw_teacher_forcing(x)
        y_pred = self.branch_on_teacher_forcing(
            teacher_forced, lambda path: self(x, training=True, teacher_forced=path)
        )
        self.zero_grad()
        loss = self._compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
        )
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        if self.optimizer is not None:
            loss = self.optimizer.scale_loss(loss)
        if self.trainable_weights:
            loss.backward()
            weights = self.trainable_weights[:]
            gradients = [v.value.grad for v in weights]
            with torch.no_grad():
                self.optimizer.apply(gradients, weights)
        logs = self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)
        logs["teacher_forcing_ratio"] = ratio
        return logs


ScheduledSamplingTrainer = {
    "tensorflow": TensorFlowTrainer,
    "jax": JaxTrainer,
    "torch": TorchTrainer,
}[keras.backend.backend()]


def default_jit_compile():
    """`jit_compile` for `compile(jit_compile="auto")`.

    Keras leaves XLA off for TensorFlow on CPU; the decoder's step loop runs much faster under it,
    so it is on here for TensorFlow on every device, except under a `tf.distribute` strategy
    (where Keras also turns it off).
    """
    if keras.backend.backend() != "tensorflow":
        return "auto"
    import tensorflow as tf

    return not tf.distribute.has_strategy()
