"""Training: the per-backend `train_step`, losses, metrics, teacher-forcing schedules, callbacks."""
