"""Serving: `Translator` (strings in, strings out) and its SavedModel export."""
