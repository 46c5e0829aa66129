"""bot.linear computes logistic-regression probabilities without sklearn's per-call validation;
it must agree with ``predict_proba`` for multinomial and binary models, dense and sparse input."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from bot.linear import log_proba, proba


@pytest.mark.parametrize("classes", [2, 5])
@pytest.mark.parametrize("as_sparse", [False, True])
def test_matches_predict_proba(classes, as_sparse):
    rng = np.random.default_rng(classes)
    features = rng.normal(size=(300, 20))
    labels = rng.integers(0, classes, 300)
    features[np.arange(300), labels] += 2.0  # learnable signal, so probabilities are far from uniform
    model = LogisticRegression(max_iter=1000).fit(features, labels)
    data = sparse.csr_matrix(features) if as_sparse else features
    expected = model.predict_proba(data)
    assert np.abs(expected - 1 / classes).max() > 0.3
    np.testing.assert_allclose(proba(model, data), expected, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(np.exp(log_proba(model, data)).sum(axis=1), 1.0, rtol=1e-9)
