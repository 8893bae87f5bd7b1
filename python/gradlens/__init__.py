"""Gradlens's PyTorch runner: runs an unchanged training script with hooks that stream Gradlens's protocol.

Run it as ``python -m gradlens.run script.py args...`` (the Gradlens CLI and extension do), or call
``gradlens.watch(model, optimizer)`` in a job started elsewhere (it writes a run record). Pure Python, no
dependency beyond torch (>= 1.13).
"""

__version__ = "0.1.0"


def watch(model=None, optimizer=None, record_dir=None, histogram_every=50):
    """Watches this process's training without the Gradlens launcher; see gradlens/standalone.py."""
    from .standalone import watch as _watch

    return _watch(model, optimizer, record_dir, histogram_every)
