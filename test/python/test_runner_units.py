"""Unit tests of the PyTorch runner's pure parts (python/gradlens): run with
``PYTHONPATH=python /usr/bin/python3 -m unittest discover -s test/python`` (test/integration/pytorch-python-units.test.ts
does, inside npm test)."""

import math
import os
import unittest

import torch
from torch import nn

from gradlens import graph, stats
from gradlens.cadence import MAX_INTERVAL, WARMUP_STEPS, StatsCadence
from gradlens.channel import clean
from gradlens.sources import ConstructionSites, is_user_file

HERE = os.path.abspath(__file__)


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
        self.head = nn.Linear(8, 2)  # line of head

    def forward(self, x):
        return self.head(self.features(x))


class ChannelTest(unittest.TestCase):
    def test_non_finite_numbers_travel_as_null(self):
        self.assertEqual(clean({"a": [1.0, math.nan, {"b": math.inf}], "c": "x", "d": 2}), {"a": [1.0, None, {"b": None}], "c": "x", "d": 2})


class CadenceTest(unittest.TestCase):
    def test_every_step_in_the_warm_up_then_within_the_budget(self):
        c = StatsCadence()
        for step in range(WARMUP_STEPS):
            self.assertTrue(c.due(step))
            c.record(step, step_ms=10.0, stats_ms=1.0, with_stats=True)
        # 1 ms of statistics on a 10 ms step is 10%: 5 times the 2% budget, so one statistics step in 5.
        self.assertEqual(c.interval(), 5)
        self.assertFalse(c.due_next(WARMUP_STEPS - 1, with_stats=True))

    def test_never_fewer_than_one_in_max_interval(self):
        c = StatsCadence()
        c.record(0, step_ms=1.0, stats_ms=100.0, with_stats=True)
        self.assertEqual(c.interval(), MAX_INTERVAL)

    def test_a_fixed_interval_is_kept(self):
        c = StatsCadence(fixed=3)
        c.record(0, 1.0, 0.5, True)
        self.assertEqual([c.due(s) for s in range(1, 5)], [False, False, True, True])


class SourcesTest(unittest.TestCase):
    def test_each_module_points_at_the_line_that_built_it(self):
        sites = ConstructionSites()
        original = nn.Module.__init__
        sites.install(nn.Module)
        try:
            model = Small()
        finally:
            nn.Module.__init__ = original
        with open(HERE) as f:
            lines = f.read().split("\n")
        head_line = next(i + 1 for i, l in enumerate(lines) if "line of head" in l)
        self.assertEqual(sites.get(model.head), {"file": HERE, "line": head_line, "column": 9})
        self.assertEqual(sites.get(model.features[0])["line"], head_line - 1)
        # The model itself points at `model = Small()`, not at its own super().__init__() line.
        self.assertEqual(lines[sites.get(model)["line"] - 1].strip(), "model = Small()")

    def test_library_files_are_not_the_users(self):
        self.assertFalse(is_user_file(torch.__file__))
        self.assertFalse(is_user_file(os.__file__))
        self.assertTrue(is_user_file(HERE))


class GraphTest(unittest.TestCase):
    def test_the_model_is_unwrapped_and_its_layers_named_by_module_path_in_forward_order(self):
        model = Small()
        wrapped = nn.DataParallel(model)
        optimizer = torch.optim.SGD(wrapped.parameters(), lr=0.1)
        # The forward hooks see modules as their forward ends: innermost first, the wrapper last.
        called = [model.features[0], model.features[1], model.features, model.head, model, wrapped]
        root = graph.find_root(called, optimizer)
        self.assertIs(root, model)
        layers = graph.tracked_layers(root, called)
        self.assertEqual([name for name, _ in layers], ["features.0", "features.1", "head"])
        self.assertEqual(graph.display_name(model.head), "Linear(8, 2)")
        self.assertEqual(graph.display_name(nn.Conv2d(1, 8, 3)), "Conv2d(1, 8, kernel_size=(3, 3))")


class StatsTest(unittest.TestCase):
    def test_activation_moments_match_a_direct_computation(self):
        x = torch.tensor([[0.0, 1.0, -2.0, 3.0]])
        act, nan, inf = stats.activation_stats(stats.activation_vector(x, None, None).tolist())
        self.assertAlmostEqual(act["mean"], 0.5)
        self.assertAlmostEqual(act["std"], math.sqrt(((0 - 0.5) ** 2 + 0.25 + 6.25 + 6.25) / 4))
        self.assertEqual((act["min"], act["max"], act["zeroFrac"], act["nonFinite"]), (-2.0, 3.0, 0.25, 0))
        self.assertEqual((nan, inf), (0, 0))

    def test_non_finite_values_are_counted_and_left_out_of_the_moments(self):
        x = torch.tensor([1.0, math.nan, math.inf, 3.0])
        act, nan, inf = stats.activation_stats(stats.activation_vector(x, None, None).tolist())
        self.assertEqual((act["nonFinite"], nan, inf), (2, 1, 1))
        self.assertAlmostEqual(act["mean"], 2.0)

    def test_saturation_is_measured_on_the_input(self):
        inp = torch.tensor([-20.0, 0.0, 12.0, 1.0])
        act, _, _ = stats.activation_stats(stats.activation_vector(torch.tanh(inp), inp, (-9.4999, 9.4999)).tolist())
        self.assertAlmostEqual(act["satFrac"], 0.5)

    def test_gradient_summary(self):
        p = nn.Parameter(torch.zeros(4))
        p.grad = torch.tensor([3.0, 0.0, -4.0, 0.0])
        sq, ab, zeros, count = stats.gradient_vector([p]).tolist()
        self.assertEqual((sq, ab, zeros, count), (25.0, 7.0, 2.0, 4.0))

    def test_histogram_counts_every_finite_value(self):
        h = stats.histogram(torch.tensor([0.0, 1.0, 2.0, math.nan]))
        self.assertEqual((h["min"], h["max"], sum(h["counts"]), len(h["counts"])), (0.0, 2.0, 3, 30))


if __name__ == "__main__":
    unittest.main()
