"""The debugger's requests to a PyTorch script (variables, evaluate, inspect, setLearningRate), answered by global
rank 0 at a step boundary: at once while paused before an optimizer step, else at the next one. Each answer is a
protocol `response` with the request's seq; a failing expression is a failed response, never the end of the run."""

import torch

from . import inspect_


def answer(watcher, cmd):
    seq = cmd.get("seq")
    try:
        body = _request(watcher, cmd)
        watcher.channel.send({"type": "response", "request_seq": seq, "success": True, **({"body": body} if body is not None else {})})
    except Exception as err:  # the user's expression failed: an answer, not the end of the run
        message = f"{type(err).__name__}: {err}"
        watcher.channel.send({"type": "response", "request_seq": seq, "success": False, "error": {"id": "evaluateFailed", "message": message, "showUser": True}})


def _request(watcher, cmd):
    opt, frame = watcher.at_step if watcher.at_step else (watcher.primary() if watcher.primary else None, None)
    kind = cmd["type"]
    lr = opt.param_groups[0].get("lr") if opt is not None and opt.param_groups else None
    if kind == "setLearningRate":
        _set_lr(opt, float(cmd["lr"]))
        return {"lr": float(cmd["lr"])}
    ours = {"model": watcher.root, "optimizer": opt, "step": watcher.step, "loss": watcher.loss, "lr": lr}
    if kind == "variables":
        with torch.no_grad():
            return inspect_.variables({**ours, **inspect_.user_scope(frame)}, cmd.get("ref", ""))
    if kind == "evaluate":
        result, overlay = inspect_.evaluate(cmd["expression"], frame, ours)
        if overlay.get("lr") != lr and isinstance(overlay.get("lr"), (int, float)):
            _set_lr(opt, float(overlay["lr"]))
            result = {"result": f"lr = {overlay['lr']}"}
        return result
    layer = dict(watcher.layers or []).get(cmd.get("layerId"))
    if layer is None:
        raise KeyError(f"No layer {cmd.get('layerId')!r}")
    params = dict(layer.named_parameters(recurse=False))
    weight = params.get("weight", next(iter(params.values()), None))
    what = cmd.get("what")
    tensor = weight if what == "weight" else weight.grad if what == "grad" and weight is not None else None
    if tensor is None:
        raise ValueError(f"{what} of {cmd.get('layerId')} is not available for PyTorch scripts at this point")
    with torch.no_grad():
        return inspect_.summarize(f"{cmd.get('layerId')}.{what}", tensor, bool(cmd.get("full")))


def _set_lr(opt, lr):
    if opt is None:
        raise ValueError("No optimizer has stepped yet")
    for group in opt.param_groups:
        group["lr"] = lr
