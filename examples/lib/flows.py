"""Reusable sub-flows: flows meant to be called from other flows.

A flow called from another flow becomes a nested graph (an Argo DAG template, a KFP
sub-pipeline, inlined Metaflow steps). Its ``return`` values are its outputs.
"""

from flowc import flow
from lib.steps import best_store, error_spread, fit_level, load_sales


@flow
def forecast_store(store: str, horizon: int = 7) -> float:
    """Forecast one store's daily demand from its recent sales."""
    sales = load_sales(store)
    level = fit_level(sales, window=horizon)
    return level


@flow
def rank_stores(stores: list[str], errors: list[float]) -> tuple[str, float]:
    """The most predictable store and the spread of the forecast errors: two outputs."""
    best = best_store(stores, errors)
    spread = error_spread(errors)
    return (best, spread)
