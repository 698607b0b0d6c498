"""`for fold in n_folds` loops over an int; `range` does not exist in a flow.

One FC208; the loop body, where `fold` is unknown, adds nothing.
"""

from flowc import Dataset, flow, step


@step
def train_fold(data: Dataset, fold: int) -> float:
    return 0.8


@flow
def cross_validate(data: Dataset, n_folds: int = 5) -> None:
    for fold in n_folds:
        train_fold(data, fold=fold)
