"""Module-level type aliases, plain or `TypeAlias`, nested and quoted, are read as what they
stand for: the wiring below is checked through them."""

from typing import Optional, TypeAlias

from flowc import flow, step

Scores = list[float]
Config: TypeAlias = dict[str, str]
MaybeScores = Optional[Scores]


@step
def configure(scores: Scores) -> Config:
    return {"n": str(len(scores))}


@step
def rescore(config: "Config", previous: MaybeScores = None) -> Scores:
    return [float(len(config))]


@flow
def scoring(scores: Scores = [0.5, 0.7]) -> None:
    config = configure(scores)
    rescore(config, previous=scores)
