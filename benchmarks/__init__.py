"""codedb's benchmarks: `python -m benchmarks --quick` (make bench) or `--full` (make bench-full)."""
