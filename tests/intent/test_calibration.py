"""Temperature scaling, calibration error and the clarification threshold."""

from __future__ import annotations

import numpy as np

from bot.intent.calibration import (
    choose_threshold,
    coverage_curve,
    expected_calibration_error,
    fit_temperature,
    softmax,
)


def test_temperature_scaling_repairs_overconfident_logits():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 5, 2000)
    logits = rng.normal(0, 1, (2000, 5))
    logits[np.arange(2000), labels] += 1.5  # informative but noisy
    overconfident = logits * 6
    t = fit_temperature(overconfident, labels)
    assert 3 < t < 12
    assert expected_calibration_error(softmax(overconfident, t), labels) < expected_calibration_error(softmax(overconfident), labels) / 3


def test_coverage_curve_and_threshold():
    probs = np.array([[0.9, 0.1], [0.6, 0.4], [0.55, 0.45], [0.2, 0.8]])
    labels = np.array([0, 1, 0, 1])
    curve = {row["threshold"]: row for row in coverage_curve(probs, labels)}
    assert curve[0.0]["coverage"] == 1.0 and curve[0.0]["accuracy"] == 0.75
    assert curve[0.65]["coverage"] == 0.5 and curve[0.65]["accuracy"] == 1.0
    assert choose_threshold(probs, labels) == 0.61
