"""`trian` is a typo: steps.py defines `train`.

One FC006 at the import; the call of the missing name is not reported again.
"""

from flowc import flow
from steps import ingest, trian


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingest(bucket)
    trian(data)
