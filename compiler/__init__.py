"""flowc's compiler: flow source → checked, target-neutral IR.

Stages are pure functions: `frontend.load` reads files statically into `ir.Program`,
`checks` add diagnostics, targets (in `flowc.targets`) lower and emit. This package never
imports `flowc.cli` or `flowc.targets`, and never imports or executes user code.
"""
