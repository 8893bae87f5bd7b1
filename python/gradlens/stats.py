"""Per-layer statistics as PyTorch tensors, resolved once per statistics step.

Each function returns 0-d float64 tensors that stay on the tensors' device; the watcher stacks every layer's into
one tensor and reads it back with a single ``tolist()`` (one host synchronisation per statistics step, none on
other steps). The formulas are the TypeScript engine's (engine/monitor/layer-stats.ts, tensor-stats.ts).
"""

import math

import torch

F64 = torch.float64
HISTOGRAM_BINS = 30
ACT_FIELDS = 10  # numel, finite, nan, sum, sumsq, min, max, zeros, saturated, saturation inputs


def first_tensor(value):
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (tuple, list)):
        for v in value:
            t = first_tensor(v)
            if t is not None:
                return t
    if isinstance(value, dict):
        for v in value.values():
            t = first_tensor(v)
            if t is not None:
                return t
    return None


def activation_vector(out, inp, sat):
    """The raw activation moments of a layer output (and its input's saturation when `sat` = (low, high))."""
    x = out.detach()
    if not x.is_floating_point() or x.numel() == 0:
        return None
    finite = torch.isfinite(x)
    # Non-finite values count as zero in the moments (the TypeScript engine skips them): the nonFinite count says
    # that the layer produced them, and the detectors act on that count.
    v = torch.where(finite, x, torch.zeros((), dtype=x.dtype, device=x.device))
    n = torch.tensor(float(x.numel()), dtype=F64, device=x.device)
    parts = [
        n,
        finite.sum(dtype=F64),
        torch.isnan(x).sum(dtype=F64),
        v.sum(dtype=F64),
        sumsq(v),
        v.min().to(F64),
        v.max().to(F64),
        (x == 0).sum(dtype=F64),
    ]
    if sat is not None and inp is not None and inp.is_floating_point() and inp.numel() > 0:
        i = inp.detach()
        parts.append(((i <= sat[0]) | (i >= sat[1])).sum(dtype=F64))
        parts.append(torch.tensor(float(i.numel()), dtype=F64, device=x.device))
    else:
        zero = torch.zeros((), dtype=F64, device=x.device)
        parts += [zero, zero]
    return torch.stack(parts)


def activation_stats(values):
    """ActivationStats from the ACT_FIELDS numbers of activation_vector; also (nan, inf) counts."""
    n, finite, nan, s, ss, mn, mx, zeros, sat, sat_n = values
    mean = s / finite if finite > 0 else 0.0
    std = math.sqrt(max(0.0, ss / finite - mean * mean)) if finite > 0 else 0.0
    non_finite = n - finite
    act = {
        "mean": mean,
        "std": std,
        "min": mn if finite > 0 else 0.0,
        "max": mx if finite > 0 else 0.0,
        "zeroFrac": zeros / n if n > 0 else 0.0,
        "satFrac": sat / sat_n if sat_n > 0 else 0.0,
        "nonFinite": int(non_finite),
    }
    return act, int(nan), int(non_finite - nan)


def gradient_vector(params):
    """[sum of squares, sum of |g|, zeros, count] over the parameters' gradients, or None when none has one."""
    grads = [p.grad.detach() for p in params if p.grad is not None]
    if not grads:
        return None
    device = grads[0].device
    sq = torch.stack([sumsq(g) for g in grads]).sum()
    ab = torch.stack([g.abs().sum().to(F64) for g in grads]).sum()
    zeros = torch.stack([(g == 0).sum().to(F64) for g in grads]).sum()
    count = torch.tensor(float(sum(g.numel() for g in grads)), dtype=F64, device=device)
    return torch.stack([sq, ab, zeros, count])


def sumsq(t):
    """The sum of squares of a float tensor as a float64 0-d tensor: a dot product (BLAS, no temporary) in its dtype."""
    flat = t.reshape(-1)
    if flat.dtype in (torch.float32, torch.float64):
        return torch.dot(flat, flat).to(F64)
    return (flat.float() * flat.float()).sum().to(F64)


def weight_sumsq(params):
    return torch.stack([sumsq(p.detach()) for p in params]).sum()


def update_vector(params, before):
    """[||w_after - w_before||^2, ||w_after||^2] of one optimizer step."""
    diff = torch.stack([sumsq(p.detach() - b) for p, b in zip(params, before)]).sum()
    return torch.stack([diff, weight_sumsq(params)])


def histogram(t):
    """The protocol's Histogram of the finite values of `t` (30 equal-width bins), or None when it has none."""
    x = t.detach().flatten().float()
    x = x[torch.isfinite(x)]
    if x.numel() == 0:
        return None
    mn, mx = (float(v) for v in torch.stack([x.min(), x.max()]).tolist())
    if mn == mx:
        counts = [0] * HISTOGRAM_BINS
        counts[0] = int(x.numel())
        return {"min": mn, "max": mx, "counts": counts}
    counts = torch.histc(x, bins=HISTOGRAM_BINS, min=mn, max=mx)
    return {"min": mn, "max": mx, "counts": [int(c) for c in counts.tolist()]}
