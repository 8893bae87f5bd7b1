"""Where the user's code is: the line that constructed each module, and the user's frame of an exception.

A frame is the user's when its file is neither PyTorch's, nor this package's, nor the standard library's or an
installed package's. Module construction is seen by wrapping ``torch.nn.Module.__init__``, which every module's
constructor reaches through ``super().__init__()``; the constructor frames of the module itself are skipped, so a
layer points at ``self.fc1 = nn.Linear(784, 256)`` and a whole model at ``model = Net()``.
"""

import linecache
import os
import sys
import sysconfig
import weakref

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_LIBRARY_DIRS = tuple(
    sorted(
        {os.path.realpath(p) for p in (sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")) if p},
        key=len,
        reverse=True,
    )
)
_user_cache = {}


def is_user_file(filename):
    cached = _user_cache.get(filename)
    if cached is not None:
        return cached
    if not filename or filename.startswith("<"):
        result = False
    else:
        real = os.path.realpath(filename)
        result = not (
            real.startswith(_PACKAGE_DIR)
            or "/site-packages/" in real
            or "/dist-packages/" in real
            or any(real.startswith(d + os.sep) for d in _LIBRARY_DIRS)
        )
    _user_cache[filename] = result
    return result


def location(filename, line):
    """A protocol SourceLocation; the column is the line's first non-blank character (1-based)."""
    text = linecache.getline(filename, line)
    column = len(text) - len(text.lstrip()) + 1 if text.strip() else 1
    return {"file": os.path.abspath(filename), "line": line, "column": column}


class ConstructionSites:
    """The user's line that constructed each module (weakly keyed: nothing is added to the modules)."""

    def __init__(self):
        self.sites = weakref.WeakKeyDictionary()
        self._original = None

    def install(self, module_class):
        original = module_class.__init__
        self._original = (module_class, original)
        sites = self.sites

        def __init__(self, *args, **kwargs):
            original(self, *args, **kwargs)
            frame = sys._getframe(1)
            while frame is not None:
                code = frame.f_code
                if code.co_name == "__init__" and frame.f_locals.get("self") is self:
                    frame = frame.f_back
                    continue
                if is_user_file(code.co_filename):
                    try:
                        sites[self] = location(code.co_filename, frame.f_lineno)
                    except TypeError:
                        pass
                    return
                frame = frame.f_back

        __init__.__wrapped__ = original
        module_class.__init__ = __init__

    def get(self, module):
        try:
            return self.sites.get(module)
        except TypeError:
            return None


def user_frame_of(tb):
    """The deepest traceback entry in the user's code: (filename, line, function), or None."""
    found = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if is_user_file(code.co_filename):
            found = (code.co_filename, tb.tb_lineno, code.co_name)
        tb = tb.tb_next
    return found
