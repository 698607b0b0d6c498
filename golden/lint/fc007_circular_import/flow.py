"""training.py and registry.py import `train` from each other: neither defines it.

One FC007 where the cycle closes; no FC006 chain through the modules, no FC303 at the call.
"""

from flowc import Dataset, flow
from training import train


@flow
def pipeline(data: Dataset) -> None:
    train(data)
