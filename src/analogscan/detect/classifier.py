"""The trained classifier (placeholder until a model is trained: rules decide alone)."""

from __future__ import annotations


def load_default_model():
    return None
