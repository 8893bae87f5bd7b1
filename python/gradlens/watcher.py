"""The hooks: what a training script does, seen from PyTorch's side, turned into the protocol's messages.

- Global module forward hooks (``register_module_forward_hook``): the layers' call order and shapes on the first
  step, activation statistics on statistics steps (and output-gradient norms through tensor hooks).
- ``torch.Tensor.backward`` wrapped: a scalar it is called on is the step's loss.
- Every optimizer's ``step`` wrapped (per instance, from ``Optimizer.__init__``; torch 1.13 has no step hooks): the
  first optimizer that steps ends a training step. Before its real step the gradients are final (after backward
  and any DDP all-reduce): the statistics are read, the step's messages sent, and when the bridge asked for it
  (anomaly breakpoints, pause) the runner waits for its verdict, so a stop leaves the weights unchanged.
Nothing here changes a value the script computes: statistics are read under no_grad from detached tensors.
"""

import os
import sys
import time
import types
import uuid
import weakref
from datetime import datetime, timezone

import torch

from . import epochs, graph as graphs, layer_stats as layer_stats_, requests, stats
from .cadence import StatsCadence
from .sources import ConstructionSites, is_user_file


class RunEnd(BaseException):
    """Ends the script from inside optimizer.step() (a BaseException: the script's `except Exception` lets it by)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Watcher:
    def __init__(self, channel, config, script):
        self.channel = channel
        self.script = script
        self.rank = int(config.get("rank", 0))
        self.leader = self.rank == 0
        self.gate = bool(config.get("gate", False))
        self.max_steps = config.get("maxSteps")
        self.histogram_every = max(1, int(config.get("histogramEvery", 50)))
        self.next_histogram = 0
        self.saturation = {
            "Tanh": (-config.get("tanhSaturation", 9.4999), config.get("tanhSaturation", 9.4999)),
            "Sigmoid": (config.get("sigmoidLow", -23.0), config.get("sigmoidHigh", 16.99999)),
        }
        self.sites = ConstructionSites()
        self.cadence = StatsCadence(config.get("statsEvery"))
        self.t0 = time.perf_counter()
        self.step = 0
        self.epoch = 0
        self.epoch_losses = []
        self.primary = None
        self.in_step = False
        self.collect = True
        self.loss = None
        self.batch_size = None
        self.layers = None  # [(name, module)] once the first step has found the model
        self.names = {}
        self.called = []
        self.shapes = {}
        self.acts = {}
        self.keep_acts = True
        self.out_grads = {}
        self.updates = None
        self.current_pass = None
        self.last_end = None
        self.stats_ms = 0.0
        self.verdicts = {}
        self.root = None
        self.at_step = None  # (optimizer, the user's frame) while inside optimizer.step(), for the debugger
        self.root_hint = None  # the model gradlens.watch() was given
        self.record_path = config.get("recordPath")  # set by gradlens.watch(), which writes the record itself

    # --- installation -------------------------------------------------------------------------------------
    def install(self):
        self.sites.install(torch.nn.Module)
        torch.nn.modules.module.register_module_forward_hook(self._forward_hook)
        watcher = self
        original_backward = torch.Tensor.backward

        def backward(self, *args, **kwargs):
            if self.numel() == 1:
                watcher.loss = self.detach()
            return original_backward(self, *args, **kwargs)

        backward.__wrapped__ = original_backward
        backward.__doc__ = original_backward.__doc__
        torch.Tensor.backward = backward

        original_init = torch.optim.Optimizer.__init__

        def __init__(self, *args, **kwargs):
            original_init(self, *args, **kwargs)
            watcher.watch_optimizer(self)

        __init__.__wrapped__ = original_init
        torch.optim.Optimizer.__init__ = __init__
        epochs.install(torch.utils.data.DataLoader, self)

    def watch_optimizer(self, opt):
        """Wraps one optimizer's step. A bound method, as `optimizer.step` is without Gradlens: learning-rate
        schedulers wrap it through its __self__ and __func__ (torch 1.13's with_counter, 2.x's patch_track_step_called)."""
        watcher = self

        def step(opt, *a, **k):
            return watcher.optimizer_step(opt, a, k)

        opt.step = types.MethodType(step, opt)

    # --- forward --------------------------------------------------------------------------------------------
    def _forward_hook(self, module, inputs, output):
        if self.in_step or not module.training or not torch.is_grad_enabled():
            return None
        if self.batch_size is None:
            t = stats.first_tensor(inputs)
            if t is not None and t.dim() > 0:
                self.batch_size = int(t.shape[0])
        key = id(module)
        if self.layers is None:
            if key not in self.shapes:
                t_in, t_out = stats.first_tensor(inputs), stats.first_tensor(output)
                self.shapes[key] = (list(t_in.shape) if t_in is not None else None, list(t_out.shape) if t_out is not None else None)
                self.called.append(module)
        elif key not in self.names:
            return None
        if not self.collect or not self.leader or key in self.acts:
            return None
        out = stats.first_tensor(output)
        if out is None:
            return None
        t0 = time.perf_counter()
        with torch.no_grad():
            sat = self.saturation.get(type(module).__name__)
            vec = stats.activation_vector(out, stats.first_tensor(inputs) if sat else None, sat)
        if vec is not None:
            self.acts[key] = (vec, out.detach() if self.keep_acts else None)
            if out.requires_grad:
                out.register_hook(lambda g, key=key: self._output_grad(key, g))
        self.stats_ms += (time.perf_counter() - t0) * 1000
        return None

    def _output_grad(self, key, grad):
        with torch.no_grad():
            sq = (grad.detach() * grad.detach()).sum(dtype=stats.F64)
        prev = self.out_grads.get(key)
        self.out_grads[key] = sq if prev is None else prev + sq
        return None

    # --- epochs ---------------------------------------------------------------------------------------------
    def loader_started(self, loader):
        p = epochs.LoaderPass(loader, self.step, time.perf_counter())
        if self.current_pass is None or self.current_pass.done or self.current_pass.start_step == self.step:
            self.current_pass = p
        return p

    def loader_exhausted(self, p):
        if p.done:
            return
        p.done = True
        if not self.leader or self.step == p.start_step or p is not self.current_pass:
            return
        losses = [v for v in self.epoch_losses if v == v]
        train = {"loss": sum(losses) / len(losses) if losses else float("nan")}
        self.channel.send({"type": "epoch", "epoch": self.epoch, "step": self.step, "train": train, "durationMs": (time.perf_counter() - p.start_time) * 1000})
        self.epoch += 1
        self.epoch_losses = []

    # --- the step -------------------------------------------------------------------------------------------
    def optimizer_step(self, opt, args, kwargs):
        real = type(opt).step
        if self.primary is None:
            self.primary = weakref.ref(opt)
        if self.primary() is not opt or self.in_step:
            return real(opt, *args, **kwargs)
        # --max-steps: the script finishes the iteration of its last step (its prints, its logging) and ends at the
        # next optimizer step, before anything of that one is reported or applied.
        if self.max_steps is not None and self.step >= self.max_steps:
            raise RunEnd("completed")
        frame = sys._getframe(1)
        while frame is not None and not is_user_file(frame.f_code.co_filename):
            frame = frame.f_back
        self.at_step = (opt, frame)
        self._commands()
        t_begin = time.perf_counter()
        self.in_step = True
        try:
            if self.leader:
                self._report(opt)
            if self.gate:
                self._await_verdict()
            collect_next = self.leader and self._due_next()
            params = [p for _, m in self.layers for p in m.parameters(recurse=False)] if collect_next and self.layers else []
            before = [p.detach().clone() for p in params] if params else None
            t_real = time.perf_counter()
            result = real(opt, *args, **kwargs)
            t_done = time.perf_counter()
            if before is not None:
                with torch.no_grad():
                    self.updates = layer_stats_.update_vectors(self.layers, before)
        finally:
            self.in_step = False
            self.at_step = None
        own_ms = self.stats_ms + ((t_real - t_begin) + (time.perf_counter() - t_done)) * 1000
        iteration_ms = (t_done - self.last_end) * 1000 if self.last_end is not None else (t_done - t_begin) * 1000
        self.cadence.record(self.step, max(0.0, iteration_ms - own_ms), own_ms, self.collect)
        self.last_end = time.perf_counter()
        self.step += 1
        self.collect = collect_next
        self.keep_acts = collect_next and self.step >= self.next_histogram
        self.acts, self.out_grads, self.stats_ms, self.batch_size = {}, {}, 0.0, None
        return result

    def _due_next(self):
        return self.cadence.due_next(self.step, self.collect) or (self.loss is not None and not bool(torch.isfinite(self.loss).all()))

    def _commands(self):
        for cmd in self.channel.poll():
            self._apply(cmd)
        if self.channel.closed:
            # The bridge is gone (killed with the viewer): end rather than train on unobserved.
            raise RunEnd("stopped")

    def _apply(self, cmd):
        kind = cmd.get("type")
        if kind == "stop":
            raise RunEnd("stopped")
        if kind == "config":
            self.gate = bool(cmd.get("gate", self.gate))
        if kind in ("variables", "evaluate", "inspect", "setLearningRate"):
            requests.answer(self, cmd)
        if kind == "verdict":
            # A verdict may arrive before this rank reaches the step it is for (another rank's step ended first).
            self.verdicts[int(cmd.get("step", -1))] = cmd.get("action")
        return kind

    def _await_verdict(self):
        while True:
            for step in [s for s in self.verdicts if s < self.step]:
                del self.verdicts[step]
            action = self.verdicts.pop(self.step, None)
            if action == "stop":
                raise RunEnd("stopped")
            if action is not None:
                return
            cmds = self.channel.wait()
            if not cmds:
                # The bridge is gone: nobody can resume this run.
                raise RunEnd("stopped")
            for cmd in cmds:
                self._apply(cmd)

    # --- messages -------------------------------------------------------------------------------------------
    def _report(self, opt):
        now = time.perf_counter()
        loss = float(self.loss) if self.loss is not None else float("nan")
        if self.layers is None:
            self._start(opt)
        p = self.current_pass
        batches = p.batches if p is not None and not p.done else 0
        batch = self.step - p.start_step if p is not None and not p.done else self.step
        step_ms = (now - self.last_end) * 1000 if self.last_end is not None else (now - self.t0) * 1000
        lr = opt.param_groups[0].get("lr", 0.0) if opt.param_groups else 0.0
        lr = float(lr) if not isinstance(lr, torch.Tensor) else float(lr.item())
        sps = (self.batch_size or 0) / (step_ms / 1000) if step_ms > 0 else 0.0
        self.epoch_losses.append(loss)
        self.channel.send({"type": "step", "step": self.step, "epoch": self.epoch, "batch": batch, "batchesPerEpoch": batches, "loss": loss, "lr": lr, "samplesPerSec": sps, "stepMs": step_ms})
        end = {"type": "_end", "step": self.step, "gate": self.gate}
        # Where the script called optimizer.step(): a stop's frame shows that line in the editor.
        frame = self.at_step[1] if self.at_step is not None else None
        if frame is not None:
            end["at"] = {"file": os.path.abspath(frame.f_code.co_filename), "line": frame.f_lineno}
        if self.collect and self.layers:
            t0 = time.perf_counter()
            with torch.no_grad():
                layer_stats, non_finite = layer_stats_.layer_stats(self.layers, self.acts, self.out_grads, self.updates)
            self.channel.send({"type": "layerStats", "step": self.step, "layers": layer_stats})
            if non_finite:
                end["nonFinite"] = non_finite
            if self.step >= self.next_histogram:
                with torch.no_grad():
                    self.channel.send({"type": "histograms", "step": self.step, "layers": layer_stats_.histograms(self.layers, self.acts)})
                self.next_histogram = self.step + self.histogram_every
            self.stats_ms += (time.perf_counter() - t0) * 1000
        self.channel.send(end)

    def _start(self, opt):
        root = self.root_hint if self.root_hint is not None else graphs.find_root(self.called, opt)
        root = graphs.unwrap(root)
        self.root = root
        self.layers = graphs.tracked_layers(root, self.called) if root is not None else []
        self.names = {id(m): name for name, m in self.layers}
        seed = torch.initial_seed()
        p = self.current_pass
        self.channel.send({
            "type": "runStarted",
            "runId": uuid.uuid4().hex,
            "modelFile": self.script,
            **({"recordPath": self.record_path} if self.record_path else {}),
            "startedAt": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
            "config": {
                "epochs": 0,
                "batchSize": self.batch_size or 0,
                "seed": seed if seed < 2**53 else seed % 2**53,
                "optimizer": type(opt).__name__,
                "lr": float(opt.param_groups[0].get("lr", 0.0)) if opt.param_groups else 0.0,
                "backend": "cpu" if all(q.device.type == "cpu" for g in opt.param_groups for q in g["params"]) else "auto",
                "trainSize": p.samples if p is not None else 0,
                "valSize": 0,
                "histogramEvery": self.histogram_every,
            },
        })
        self.channel.send(graphs.graph_message(self.layers, self.shapes, self.sites))
        self.called, self.shapes = [], {}

    def finished(self, reason):
        self.channel.send({"type": "finished", "reason": reason, "step": self.step, "durationMs": (time.perf_counter() - self.t0) * 1000})
