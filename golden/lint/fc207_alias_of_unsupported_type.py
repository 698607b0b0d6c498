"""An alias is checked like the type it stands for: a `set` is not supported, and an alias of
itself is refused rather than followed forever. Its wiring is not checked further."""

from flowc import flow, step

Ids = set[int]
Tree = list["Tree"]


@step
def dedupe(ids: Ids, tree: Tree) -> None:
    print(ids, tree)


@flow
def cleanup() -> None:
    dedupe([1], [])
