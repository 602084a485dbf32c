"""hvsim's benchmark suite: guest programs, the engines that run them, and the runner.

``python benchmarks/run.py`` (or ``python -m benchmarks.run``) measures; see README.md.
"""
