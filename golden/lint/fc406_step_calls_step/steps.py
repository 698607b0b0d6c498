from flowc import Dataset, Model, step


@step(image="ghcr.io/acme/gpu:1.0", gpu=1)
def train(data: Dataset) -> Model:
    return f"{data}.model"
