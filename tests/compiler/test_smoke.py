from pathlib import Path

from tests.harness import assert_codes

FLOW = """
from flowc import step, flow, Dataset, Model

@step
def load(n: int) -> Dataset: ...

@step
def train(data: Model) -> float: ...

@flow
def pipeline(n: int = 3) -> None:
    d = load(n)
    train(d)
"""


def test_dataset_into_model_is_a_type_mismatch(tmp_path: Path) -> None:
    found = assert_codes(tmp_path, FLOW, "FC201")
    assert (found[0].span.line, found[0].span.col) == (12, 11)
