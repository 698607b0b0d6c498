"""Valid: rebinding a name in the block that bound it is sequential (no diagnostic expected).

At the top level, in a branch and in a loop body, `x = s(x)` gives `x` a new producer for the
statements that follow in that block, exactly as Python does; a name bound in each of two blocks
is local to each.
"""

from flowc import flow, step


@step
def inc(x: int) -> int:
    return x + 1


@step
def show(x: int) -> None:
    print(x)


@flow
def counting(n: int = 1, items: list[int] = [1, 2]) -> int:
    a = inc(n)
    a = inc(a)
    if n > 0:
        b = inc(a)
        b = inc(b)
        show(b)
    for i in items:
        b = inc(i)
        b = inc(b)
        show(b)
    xs = [inc(i) for i in items]
    xs = [inc(x) for x in xs]
    a = inc(a)
    return a
