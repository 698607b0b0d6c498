"""flowc's command line: one module per command, rendering, exit codes. No compiler logic."""
