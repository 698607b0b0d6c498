"""The step registry: re-exports steps from their modules (and so imports training.py back)."""

from training import train
