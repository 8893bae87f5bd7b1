"""``gradlens.watch(model, optimizer)``: for jobs Gradlens does not launch (srun, torchrun, a notebook), the same
hooks in the running process, writing a run record (.gradlens/runs/*.jsonl, the protocol's JSON Lines) that
``gradlens report`` renders and ``gradlens rescore`` runs the detectors over. Global rank 0 writes it (other ranks
of a torch.distributed job only train). Modules built before ``watch`` have no source line unless ``watch()`` is
called first (with no arguments) and the optimizer is passed later or built afterwards.
"""

import atexit
import os
import sys
from datetime import datetime, timezone

from . import __version__
from .errors import error_info

PROTOCOL_VERSION = 1
_active = None


class RecordChannel:
    """The Channel interface over a run record file: messages appended as lines, no commands."""

    closed = False

    def __init__(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.path = path
        self._file = open(path, "a", buffering=1, encoding="utf-8")

    def send(self, message):
        if message.get("type", "").startswith("_"):
            return  # the runner's private step marker is for a live bridge, not part of the protocol
        import json

        from .channel import clean

        self._file.write(json.dumps(clean(message), separators=(",", ":"), allow_nan=False) + "\n")

    def poll(self):
        return []

    def wait(self):
        return []

    def close(self):
        self._file.close()


def _record_path(folder, script):
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d_%H-%M-%S-%f")[:-3]
    base = "".join(c if c.isalnum() or c in "_-" else "_" for c in os.path.basename(script))
    return os.path.join(folder, f"{stamp}-{base}.jsonl")


def watch(model=None, optimizer=None, record_dir=None, histogram_every=50):
    """Starts watching this process's training; returns the run record's path (None on ranks other than 0)."""
    global _active
    if _active is not None:
        if optimizer is not None:
            _active.watch_optimizer(optimizer)
        return _active.record_path
    from .watcher import Watcher

    rank = int(os.environ.get("RANK", "0"))
    script = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else "<interactive>"
    folder = record_dir or os.path.join(os.getcwd(), ".gradlens", "runs")
    if rank != 0:
        return None
    path = _record_path(folder, script)
    channel = RecordChannel(path)
    channel.send({"type": "hello", "protocolVersion": PROTOCOL_VERSION, "engine": "gradlens-python", "version": __version__, "capabilities": ["record.jsonl"], "pid": os.getpid()})
    watcher = Watcher(channel, {"histogramEvery": histogram_every, "recordPath": path}, script)
    watcher.install()
    if optimizer is not None:
        watcher.watch_optimizer(optimizer)
    watcher.root_hint = model
    _active = watcher
    previous_hook = sys.excepthook

    def excepthook(kind, exc, tb):
        channel.send({"type": "error", "error": error_info(exc, watcher.names)})
        watcher.finished("error")
        channel.closed = True
        previous_hook(kind, exc, tb)

    sys.excepthook = excepthook

    def at_exit():
        if not channel.closed:
            watcher.finished("completed")
            channel.closed = True
        channel.close()

    atexit.register(at_exit)
    return path
