"""The model as the protocol's graph: which module is the model, its layers in forward order, their names
(PyTorch's module paths, "fc1", "features.3"), shapes, parameters and the user's lines that built them."""

import re

import torch

WRAPPERS = ("DistributedDataParallel", "DataParallel")


def find_root(called, optimizer):
    """The model: among the modules called on the first step, the one holding most of the optimizer's parameters
    (the outermost of equals), unwrapped from DistributedDataParallel/DataParallel."""
    wanted = {id(p) for group in optimizer.param_groups for p in group["params"]}
    best, best_key = None, (0, 0)
    for m in called:
        held = sum(1 for p in m.parameters() if id(p) in wanted)
        key = (held, sum(1 for _ in m.modules()))
        if held > 0 and key > best_key:
            best, best_key = m, key
    return unwrap(best)


def unwrap(model):
    """The model inside DistributedDataParallel/DataParallel (their parameters are its parameters)."""
    while model is not None and type(model).__name__ in WRAPPERS and isinstance(getattr(model, "module", None), torch.nn.Module):
        model = model.module
    return model


def tracked_layers(root, called):
    """(name, module) of the layers shown: leaves and modules with parameters of their own, in forward-call order
    (modules never called last, in definition order)."""
    order = {}
    for i, m in enumerate(called):
        order.setdefault(id(m), i)
    layers = []
    for name, m in root.named_modules():
        if not name:
            continue
        has_children = next(m.children(), None) is not None
        has_params = next(m.parameters(recurse=False), None) is not None
        if not has_children or has_params:
            layers.append((name, m))
    definition = {id(m): i for i, (_, m) in enumerate(layers)}
    layers.sort(key=lambda nm: (order.get(id(nm[1]), len(called)), definition[id(nm[1])]))
    return layers


_TOP_LEVEL_COMMA = re.compile(r",\s*(?![^()]*\))")


def display_name(module):
    """"Linear(784, 256)", "Conv2d(1, 8, kernel_size=(3, 3))": the class and its first arguments, short."""
    try:
        extra = module.extra_repr()
    except Exception:  # a user module's extra_repr may fail; the class name is enough
        extra = ""
    items = [s for s in _TOP_LEVEL_COMMA.split(extra) if s and not s.endswith(("=True", "=False"))]
    shown = []
    for s in items[:3]:
        key, _, value = s.partition("=")
        shown.append(value if value and key in ("in_features", "out_features", "num_features", "p") else s)
    return f"{type(module).__name__}({', '.join(shown)})"


def graph_message(layers, shapes, sites):
    ids = {id(m): name for name, m in layers}
    out, total = [], 0
    for name, m in layers:
        params = [{"name": n, "shape": list(p.shape)} for n, p in m.named_parameters(recurse=False)]
        count = sum(p.numel() for p in m.parameters(recurse=False))
        total += count
        info = {"id": name, "name": display_name(m), "type": type(m).__name__, "params": params, "paramCount": count}
        parent = name.rpartition(".")[0]
        if parent and parent in ids.values():
            info["parent"] = parent
        shape = shapes.get(id(m))
        if shape:
            if shape[0] is not None:
                info["inputShape"] = shape[0]
            if shape[1] is not None:
                info["outputShape"] = shape[1]
        site = sites.get(m)
        if site:
            info["source"] = site
        out.append(info)
    return {"type": "graph", "graph": {"layers": out, "totalParams": total}}
