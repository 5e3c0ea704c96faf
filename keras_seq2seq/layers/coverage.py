"""The coverage loss of See et al. 2017: a penalty for attending again to what was attended.

The coverage before step `t` is the sum of the attention weights of the earlier steps,
`c_t = sum_{t' < t} a_t'`; the loss at step `t` is `sum_i min(a_t[i], c_t[i])`, which is zero
while each step attends to source positions no earlier step attended to, and grows with
repeated attention, the mark of repeated output.
"""

from keras import ops


def coverage_loss(weights, target_mask):
    """The coverage loss per target token: a float32 scalar.

    Args:
        weights: attention weights `(batch, T, S)`.
        target_mask: bool `(batch, T)`, False at target padding.

    Returns:
        `sum over real steps of sum_i min(a_t[i], c_t[i])`, divided by the number of real steps.
    """
    weights = ops.cast(weights, "float32")
    coverage = ops.cumsum(weights, axis=1) - weights  # the steps before each one
    per_step = ops.sum(ops.minimum(weights, coverage), axis=-1)
    mask = ops.cast(target_mask, "float32")
    return ops.sum(per_step * mask) / ops.maximum(ops.sum(mask), 1.0)
