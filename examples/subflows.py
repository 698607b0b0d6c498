"""Store forecasts built from a project library: imported steps, sub-flows, ordering.

It shows:

- steps and sub-flows imported from the project's own modules (``lib/steps.py`` and
  ``lib/flows.py``), which flowc resolves statically from this file's directory;
- a sub-flow called inside a ``for`` block, its output used by the next step of the block;
- a sub-flow with two outputs (``return (best, spread)``) whose result is this flow's result;
- ``with after(ready):`` to run a block after a task that passes it no data.
"""

from lib.flows import forecast_store, rank_stores
from lib.steps import backtest

from flowc import after, flow, step


@step
def sync_calendar() -> int:
    """Refresh the holiday calendar the forecasts read; returns the number of holidays."""
    holidays = ["2025-01-01", "2025-05-01", "2025-12-25"]
    print(f"calendar: {len(holidays)} holidays")
    return len(holidays)


@step
def order_stock(store: str, level: float, horizon: int) -> None:
    print(f"order {round(level * horizon)} units for {store}")


@flow
def store_forecasts(
    stores: list[str] = ["berlin", "lisbon", "oslo"],
    horizon: int = 7,
) -> tuple[str, float]:
    """Forecast every store and order stock; return the most predictable store."""
    ready = sync_calendar()

    # the forecasts read the calendar the first task refreshed, so they wait for it
    with after(ready):
        for store in stores:
            level = forecast_store(store, horizon=horizon)  # a sub-flow per store
            order_stock(store, level, horizon)

    errors = [backtest(s, horizon=horizon) for s in stores]
    ranking = rank_stores(stores, errors)  # a sub-flow with two outputs
    return ranking
