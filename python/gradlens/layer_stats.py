"""A statistics step's per-layer numbers as the protocol's LayerStats and LayerHistograms, from the tensors the
watcher collected (stats.py computes them on the tensors' device)."""

import torch

from . import stats


def layer_stats(layers, acts, out_grads, updates):
    """Every tracked layer's LayerStats from one stacked tensor read back once (one host synchronisation), and the
    first non-finite value's event (the first layer in forward order whose output held one, else the last whose
    parameter gradient did). `updates`: each layer's update_vectors of the optimizer step before."""
    parts, plan = [], []
    for name, m in layers:
        params = list(m.parameters(recurse=False))
        entry = {"id": name, "type": type(m).__name__}
        for field, vec in (
            ("grad", stats.gradient_vector(params) if params else None),
            ("weight", stats.weight_sumsq(params).reshape(1) if params else None),
            ("update", updates.get(name) if updates else None),
            ("act", acts.get(id(m), (None,))[0]),
            ("outGrad", out_grads[id(m)].reshape(1) if id(m) in out_grads else None),
        ):
            if vec is not None:
                entry[field] = (sum(t.numel() for t in parts), vec.numel())
                parts.append(vec.to(stats.F64))
        plan.append(entry)
    # One concatenation on the device and one copy back: a single synchronisation (parts on several devices, model
    # parallelism, are brought to the CPU one by one).
    same_device = len({p.device for p in parts}) <= 1
    values = (torch.cat(parts) if same_device else torch.cat([p.cpu() for p in parts])).tolist() if parts else []
    out, forward_bad, backward_bad = [], None, None
    for e in plan:
        s = {"id": e["id"]}
        pick = lambda f: values[e[f][0]: e[f][0] + e[f][1]]  # noqa: E731
        if "weight" in e:
            s["weightNorm"] = pick("weight")[0] ** 0.5
        if "update" in e:
            diff, w = pick("update")
            if w > 0:
                s["updateRatio"] = diff ** 0.5 / w ** 0.5
        if "grad" in e:
            sq, ab, zeros, count = pick("grad")
            s["gradNorm"] = sq ** 0.5 if sq == sq else sq
            s["gradMeanAbs"] = ab / count if count else 0.0
            s["gradZeroFrac"] = zeros / count if count else 0.0
            if not (sq == sq and sq != float("inf")):
                backward_bad = backward_bad or e
        if "act" in e:
            act, nan, inf = stats.activation_stats(pick("act"))
            s["act"] = act
            if act["nonFinite"] > 0 and forward_bad is None:
                forward_bad = (e, nan, inf)
        if "outGrad" in e:
            s["outGradNorm"] = pick("outGrad")[0] ** 0.5
        out.append(s)
    event = None
    if forward_bad is not None:
        e, nan, inf = forward_bad
        event = {"op": e["type"], "phase": "forward", "layerId": e["id"], "nanCount": nan, "infCount": inf}
    elif backward_bad is not None:
        event = {"op": f"{backward_bad['type']} backward", "phase": "backward", "layerId": backward_bad["id"], "nanCount": 1, "infCount": 0}
    return out, event


def update_vectors(layers, before):
    """Each layer's [||w - w_before||^2, ||w||^2] after an optimizer step, from the copies taken before it."""
    out, i = {}, 0
    for name, m in layers:
        params = list(m.parameters(recurse=False))
        if params:
            out[name] = stats.update_vector(params, before[i: i + len(params)])
            i += len(params)
    return out


def histograms(layers, acts):
    """The protocol's LayerHistograms: each layer's kept activation and its pooled parameter gradients."""
    out = []
    for name, m in layers:
        h = {"id": name}
        kept = acts.get(id(m), (None, None))[1]
        if kept is not None:
            a = stats.histogram(kept)
            if a:
                h["activation"] = a
        grads = [p.grad for p in m.parameters(recurse=False) if p.grad is not None]
        if grads:
            g = stats.histogram(torch.cat([q.detach().flatten() for q in grads]))
            if g:
                h["gradient"] = g
        if len(h) > 1:
            out.append(h)
    return out
