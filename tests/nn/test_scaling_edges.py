"""Standardizing numbers near the edges of floats, as scikit-learn does or with a clear refusal."""

from __future__ import annotations

import math

import pytest

import nn

sklearn_preprocessing = pytest.importorskip("sklearn.preprocessing")


def _sklearn(rows: list[list[float]]) -> tuple[list[float], list[float]]:
    scaler = sklearn_preprocessing.StandardScaler().fit(rows)
    return [float(m) for m in scaler.mean_], [float(s) for s in scaler.scale_]


@pytest.mark.parametrize("rows", [
    [[1e-15], [2e-15], [4e-15]],  # a tiny but real spread
    [[1.0], [1.0 + 2**-40], [1.0 - 2**-40]],
    [[5.0], [5.0], [5.0]],  # constant
    [[1e10], [1e10 + 1e-5], [1e10]],  # within rounding of the mean: constant for sklearn too
    [[0.0, 1.0], [0.0, 3.0], [0.0, 2.0]],
], ids=["1e-15", "near 1", "constant", "within rounding", "one constant column"])
def test_the_scaler_agrees_with_scikit_learn_on_tiny_spreads(rows: list[list[float]]) -> None:
    scaler = nn.Scaler.fit(rows)
    mean, scale = _sklearn(rows)
    assert list(scaler.mean) == pytest.approx(mean, rel=1e-12, abs=0.0)
    assert list(scaler.std) == pytest.approx(scale, rel=1e-9, abs=0.0)
    scaled = scaler.transform(rows)
    assert all(math.isfinite(value) for row in scaled for value in row)


@pytest.mark.parametrize("rows", [[[1e200], [2e200], [4e200]], [[1e308], [1.5e308], [1.7e308]],
                                  [[-1e308], [-1.7e308], [-1.2e308]]])
def test_data_near_the_largest_floats_is_standardized(rows: list[list[float]]) -> None:
    scaler = nn.Scaler.fit(rows)
    values = [row[0] for row in rows]
    mean = sum(value / len(values) for value in values)
    assert scaler.mean[0] == pytest.approx(mean, rel=1e-12)
    scaled = [row[0] for row in scaler.transform(rows)]
    assert sum(scaled) == pytest.approx(0.0, abs=1e-12)
    assert math.fsum(s * s for s in scaled) / len(scaled) == pytest.approx(1.0, rel=1e-12)


def test_a_spread_near_1e_minus_300_is_scaled_where_scikit_learns_variance_underflows() -> None:
    rows = [[1e-300], [3e-300], [2e-300]]
    scaler = nn.Scaler.fit(rows)
    assert scaler.std[0] == pytest.approx(math.sqrt(2 / 3) * 1e-300, rel=1e-12)
    assert [row[0] for row in scaler.transform(rows)] == pytest.approx(
        [-math.sqrt(1.5), math.sqrt(1.5), 0.0], rel=1e-12)


def test_a_spread_wider_than_a_float_is_refused_naming_the_feature() -> None:
    with pytest.raises(ValueError, match=r"feature 1 spreads from .* wider than a float"):
        nn.Scaler.fit([[0.0, -1.7e308], [1.0, 1.7e308], [2.0, 1.7e308]])
