"""An exception of the user's script as the protocol's ErrorInfo: the message, the user's file:line (the deepest
frame of the traceback in the user's own files), the layer it happened in when it was inside a module's forward,
and the traceback as the stack."""

import traceback

from .sources import location, user_frame_of


def layer_in_traceback(tb, names):
    """The name of the innermost tracked module whose forward is on the traceback (e.g. "fc2"), or None."""
    found = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "forward":
            module = frame.f_locals.get("self")
            name = names.get(id(module))
            if name is not None:
                found = name
            elif found is None and module is not None and hasattr(module, "_forward_hooks"):
                # Before the first step the layers have no names yet: the class says which kind of layer.
                found = f"a {type(module).__name__}"
        tb = tb.tb_next
    return found


def error_info(exc, names, rank=None):
    """ErrorInfo for `exc`; `names` maps id(module) to its layer id; `rank` prefixes the message in a multi-rank run."""
    text = f"{type(exc).__name__}: {exc}".strip()
    loc = None
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        loc = {"file": exc.filename, "line": exc.lineno, "column": max(1, exc.offset or 1)}
    else:
        frame = user_frame_of(exc.__traceback__)
        if frame:
            loc = location(frame[0], frame[1])
    layer = layer_in_traceback(exc.__traceback__, names)
    if layer is not None:
        text += f" (in layer {layer})"
    prefix = f"rank {rank}: " if rank is not None else ""
    message = f"{loc['file']}:{loc['line']}: {prefix}{text}" if loc else f"{prefix}{text}"
    info = {
        "id": "pythonException",
        "message": message,
        "showUser": True,
        "stack": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-8000:],
    }
    if loc:
        info["location"] = loc
    hint = hint_for(text)
    if hint:
        info["hint"] = hint
    return info


def hint_for(text):
    if "shapes cannot be multiplied" in text or "size mismatch" in text or "must match the size" in text:
        return "A layer got an input of the wrong size: check the in_features/in_channels of the layer named above against the previous layer's output."
    if "out of memory" in text:
        return "Use a smaller batch size or a smaller model."
    return None
