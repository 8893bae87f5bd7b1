"""Gradlens's PyTorch runner: runs an unchanged training script with hooks that stream Gradlens's protocol.

Run it as ``python -m gradlens.run script.py args...`` (the Gradlens CLI and extension do). Pure Python, no
dependency beyond torch (>= 1.13).
"""

__version__ = "0.1.0"
