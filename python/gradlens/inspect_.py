"""What the debugger sees while a script is paused before an optimizer step: the Variables tree (model, optimizer,
step, loss, lr and the locals of the user's frame that called ``optimizer.step()``), Debug Console evaluation in
Python against the live objects (``lr = 0.01`` sets the learning rate), and tensor summaries. The protocol's
shapes (VariablesResult, EvaluateResult, TensorSummary), as engine/train/variables.ts and inspect.ts give them for
TypeScript models. A variables ref is the JSON-encoded path from the scope, valid for as long as the pause lasts.
"""

import json
import math
import types

import torch

MAX_CHILDREN = 200


def summarize(name, t, full=False):
    x = t.detach().float().reshape(-1)
    finite = x[torch.isfinite(x)]
    n = finite.numel()
    out = {
        "name": name,
        "shape": list(t.shape),
        "mean": float(finite.mean()) if n else 0.0,
        "std": float(finite.std(unbiased=False)) if n else 0.0,
        "min": float(finite.min()) if n else 0.0,
        "max": float(finite.max()) if n else 0.0,
        "norm": float(torch.dot(finite, finite)) ** 0.5 if n else 0.0,
        "nanCount": int(torch.isnan(x).sum()),
        "infCount": int(torch.isinf(x).sum()),
    }
    if full:
        out["values"] = x.tolist()
    return out


def _fmt_num(v):
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    a = abs(v)
    return f"{v:.3e}" if a != 0 and (a < 1e-3 or a >= 1e5) else f"{v:.4g}"


def format_value(v):
    if isinstance(v, torch.Tensor):
        if v.numel() == 1:
            return f"tensor({v.item():.6g})"
        s = summarize("", v)
        return f"Tensor{list(v.shape)} mean={_fmt_num(s['mean'])} norm={_fmt_num(s['norm'])}"
    if isinstance(v, torch.nn.Module):
        from .graph import display_name
        return display_name(v)
    if isinstance(v, torch.optim.Optimizer):
        return f"{type(v).__name__}(lr={v.param_groups[0].get('lr') if v.param_groups else '?'})"
    if isinstance(v, (list, tuple)):
        return f"{type(v).__name__}[{len(v)}]"
    if isinstance(v, dict):
        return f"dict[{len(v)}]"
    text = repr(v)
    return text if len(text) <= 200 else text[:197] + "..."


def children(v):
    if isinstance(v, torch.Tensor):
        s = summarize("", v)
        out = [("shape", list(v.shape))] + [(k, s[k]) for k in ("mean", "std", "min", "max", "norm", "nanCount", "infCount")]
        out.append(("requires_grad", v.requires_grad))
        if v.grad is not None:
            out.append(("grad", v.grad))
        return out
    if isinstance(v, torch.nn.Module):
        return list(v.named_parameters(recurse=False)) + list(v.named_children()) + [("training", v.training)]
    if isinstance(v, torch.optim.Optimizer):
        groups = [{k: g for k, g in group.items() if k != "params"} for group in v.param_groups]
        return [("param_groups", groups), ("state", {"parameters with state": len(v.state)})]
    if isinstance(v, (list, tuple)):
        return [(str(i), x) for i, x in enumerate(v[:MAX_CHILDREN])]
    if isinstance(v, dict):
        return [(str(k), x) for k, x in list(v.items())[:MAX_CHILDREN]]
    return []


def _expandable(v):
    return isinstance(v, (torch.Tensor, torch.nn.Module, torch.optim.Optimizer)) or (isinstance(v, (list, tuple, dict)) and len(v) > 0)


def variables(scope, ref):
    path = json.loads(ref) if ref else []
    node = scope
    for seg in path:
        found = [x for k, x in children(node) if k == seg]
        if not found:
            raise KeyError(f"No variable {'.'.join(path)}")
        node = found[0]
    out = []
    for name, v in children(node):
        info = {"name": name, "value": format_value(v)}
        if not isinstance(v, (list, tuple, dict, int, float, str, bool, type(None))):
            info["type"] = type(v).__name__
        if isinstance(v, torch.Tensor):
            info["shape"] = list(v.shape)
        if _expandable(v):
            info["ref"] = json.dumps(path + [name])
        out.append(info)
    return {"variables": out}


def user_scope(frame):
    """The user's names at the pause: the calling function's locals, or the script's own globals at module level."""
    if frame is None:
        return {}
    names = frame.f_locals if frame.f_code.co_name != "<module>" else frame.f_globals
    return {
        k: v
        for k, v in names.items()
        if not k.startswith("_") and not isinstance(v, (types.ModuleType, types.FunctionType, type, types.BuiltinFunctionType))
    }


def evaluate(expression, frame, extra):
    """Evaluates (or executes, for a statement) `expression` in the user's frame; returns (EvaluateResult, overlay)."""
    glb = frame.f_globals if frame is not None else {}
    overlay = dict(frame.f_locals) if frame is not None else {}
    overlay.update(extra)
    try:
        code = compile(expression, "<debug console>", "eval")
    except SyntaxError:
        exec(compile(expression, "<debug console>", "exec"), glb, overlay)
        return {"result": ""}, overlay
    value = eval(code, glb, overlay)
    result = {"result": format_value(value)}
    if isinstance(value, torch.Tensor):
        result["tensor"] = summarize(expression, value)
    return result, overlay
