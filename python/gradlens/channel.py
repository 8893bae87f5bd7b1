"""The pipes between the runner and the Gradlens bridge process (engine/python/ in the repository).

Messages go out on their own file descriptor as JSON Lines, so the script's stdout and stderr stay the script's.
Commands come in on another. JSON has no NaN or Infinity: non-finite numbers travel as null, as the protocol says.
"""

import json
import math
import os
import select


def clean(value):
    """The value with every non-finite float replaced by None (recursively through dicts and lists)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


class Channel:
    """One JSON object per line out on `out_fd`; commands (JSON Lines) in on `in_fd`."""

    def __init__(self, out_fd, in_fd):
        self.out_fd = out_fd
        self.in_fd = in_fd
        self._buffer = b""
        self.closed = False
        if in_fd is not None:
            os.set_blocking(in_fd, False)

    def send(self, message):
        if self.out_fd is None:
            return
        data = (json.dumps(clean(message), separators=(",", ":"), allow_nan=False) + "\n").encode()
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.out_fd, view):]
        except (BrokenPipeError, OSError):
            # The bridge is gone: the run goes on without a viewer rather than failing the user's script.
            self.out_fd = None

    def poll(self):
        """The commands that have arrived, without waiting."""
        if self.in_fd is None:
            return []
        try:
            chunk = os.read(self.in_fd, 65536)
        except BlockingIOError:
            return []
        except OSError:
            chunk = b""
        if not chunk:
            self.closed = True
            self.in_fd = None
            return []
        return self._lines(chunk)

    def wait(self):
        """The next commands, waiting for at least one (an empty list once the bridge has closed the pipe)."""
        while self.in_fd is not None:
            got = self.poll()
            if got:
                return got
            if self.in_fd is not None:
                select.select([self.in_fd], [], [])
        return []

    def _lines(self, chunk):
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        out = []
        for line in lines:
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out


def from_env(config):
    out_fd = config.get("msgFd")
    in_fd = config.get("cmdFd")
    return Channel(out_fd, in_fd)
