"""On which steps the per-layer statistics are computed: the TypeScript engine's rule (engine/train/cadence.ts).

Every step for the first 20 steps (where a broken network shows itself and the detectors' patience needs
consecutive observations), then as often as their measured cost stays under 2% of the step time, and never fewer
than one every 20 steps. The loss, the learning rate and the loss detectors run on every step regardless.
"""

import math

DEFAULT_BUDGET = 0.02
MAX_INTERVAL = 20
WARMUP_STEPS = 20


class StatsCadence:
    def __init__(self, fixed=None, budget=DEFAULT_BUDGET):
        self.fixed = fixed
        self.budget = budget
        self.cost_ms = 0.0
        self.step_ms = 0.0
        self.next = 0

    def due(self, step):
        return step >= self.next or (self.fixed is None and step < WARMUP_STEPS)

    def due_next(self, step, with_stats):
        """Whether step + 1 computes statistics, asked before `record(step, ...)` (the weights are copied before a
        statistics step, so this is known one step ahead)."""
        if with_stats:
            return (self.fixed is None and step + 1 < WARMUP_STEPS) or self.interval() <= 1
        return self.due(step + 1)

    def interval(self):
        if self.fixed is not None:
            return max(1, self.fixed)
        if self.step_ms <= 0 or self.cost_ms <= 0:
            return 1
        return min(MAX_INTERVAL, max(1, math.ceil(self.cost_ms / (self.budget * self.step_ms))))

    def record(self, step, step_ms, stats_ms, with_stats):
        """`step_ms`: the step's time without statistics; `stats_ms`: what its statistics cost (0 without)."""
        self.step_ms = step_ms if self.step_ms == 0 else 0.9 * self.step_ms + 0.1 * step_ms
        if with_stats:
            self.cost_ms = stats_ms if self.cost_ms == 0 else 0.7 * self.cost_ms + 0.3 * stats_ms
            self.next = step + self.interval()
