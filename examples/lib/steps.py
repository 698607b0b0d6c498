"""Reusable steps for store forecasting, shared by several flows of the project.

``daily_sales`` and the ``STORE_*`` constants are module-level helpers: flowc ships them with
every step that uses them, even when the step is imported into another flow file.
"""

import json
from pathlib import Path

from flowc import Dataset, step

# Stand-in for the sales warehouse: a base level and a weekly swing per store.
STORE_BASE = {"berlin": 120, "lisbon": 80, "oslo": 60}
STORE_SWING = {"berlin": 10, "lisbon": 4, "oslo": 7}
HISTORY_DAYS = 28


def daily_sales(store: str, days: int) -> list[int]:
    """Units sold per day: the level rises through the week and resets on Mondays."""
    return [STORE_BASE[store] + (day % 7) * STORE_SWING[store] for day in range(days)]


@step
def load_sales(store: str, days: int = 28) -> Dataset:  # 28 == HISTORY_DAYS
    out = Path(f"sales-{store}.json")  # one file per store: several stores share a directory
    out.write_text(json.dumps({"store": store, "units": daily_sales(store, days)}))
    return out


@step
def fit_level(sales: Dataset, window: int = 7) -> float:
    """The forecast: mean daily units over the last ``window`` days."""
    units = json.loads(sales.read_text())["units"][-window:]
    return round(float(sum(units)) / len(units), 3)


@step
def backtest(store: str, horizon: int = 7) -> float:
    """Mean absolute error of a one-week-mean forecast over the last ``horizon`` days."""
    units = daily_sales(store, HISTORY_DAYS)
    history, actual = units[:-horizon], units[-horizon:]
    level = sum(history[-7:]) / 7
    return round(sum(abs(level - u) for u in actual) / horizon, 3)


@step
def best_store(stores: list[str], errors: list[float]) -> str:
    """The store whose forecast has the lowest error."""
    return min(zip(errors, stores, strict=True))[1]


@step
def error_spread(errors: list[float]) -> float:
    return round(max(errors) - min(errors), 3)
