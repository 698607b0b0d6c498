"""Training steps; `train` moved to registry.py and is re-exported here for old flows."""

from registry import train
