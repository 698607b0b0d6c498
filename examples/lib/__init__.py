"""A project's own library of reusable steps and sub-flows, imported by ``subflows.py``.

flowc resolves ``from lib.steps import ...`` statically, from the flow file's directory,
and ships the imported steps (and the helpers they use) like steps defined in the flow file.
"""
