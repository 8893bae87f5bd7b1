"""``python -m gradlens.run script.py args...``: runs a training script exactly as ``python script.py args...``
would (``__main__``, ``sys.argv``, ``sys.path[0]``, its own stdout and stderr), with Gradlens's hooks installed.

The run's settings come from the GRADLENS_RUNNER environment variable (JSON, written by the Gradlens bridge):
the message and command file descriptors, anomaly-breakpoint gating, --max-steps, the histogram cadence and the
saturation thresholds. Without it the script runs with the hooks and nowhere to send their messages.
"""

import json
import os
import runpy
import sys

USAGE = "usage: python -m gradlens.run script.py [args...]"


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        return 2
    script = os.path.abspath(argv[0])
    if not os.path.isfile(script):
        print(f"gradlens: {argv[0]}: no such script", file=sys.stderr)
        return 2
    config = json.loads(os.environ.pop("GRADLENS_RUNNER", "{}") or "{}")

    from . import channel as channels
    from .errors import error_info
    from .watcher import RunEnd, Watcher

    channel = channels.from_env(config)
    rank = config.get("rank")
    watcher = Watcher(channel, config, script)
    watcher.install()
    sys.argv = list(argv)
    sys.path[0] = os.path.dirname(script)
    code = 0
    try:
        runpy.run_path(script, run_name="__main__")
        reason = "completed"
    except RunEnd as end:
        reason = end.reason
    except KeyboardInterrupt:
        reason = "stopped"
    except SystemExit as ex:
        if ex.code in (None, 0):
            reason = "completed"
        else:
            channel.send({"type": "error", "error": {"id": "scriptExit", "message": f"The script exited with {ex.code!r}", "showUser": True}})
            reason, code = "error", ex.code if isinstance(ex.code, int) else 1
    except BaseException as ex:  # the user's error, reported with their file:line; the runner itself goes on
        channel.send({"type": "error", "error": error_info(ex, watcher.names, rank if config.get("worldSize", 1) > 1 else None)})
        reason, code = "error", 1
    watcher.finished(reason)
    sys.stdout.flush()
    sys.stderr.flush()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
