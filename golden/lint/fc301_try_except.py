"""A `try`/`except` around a task: failures are handled with `retries` or `continue_on_failure`.

One FC301; the names bound in the `try` are not reported again afterwards.
"""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def pipeline(data: Dataset) -> None:
    try:
        model = train(data)
    except RuntimeError:
        model = train(data)
    deploy(model)
