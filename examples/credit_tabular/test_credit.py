"""Hand-written behavioral tests of the credit model, next to the tabular suite in credit.behave.yaml.

Run from the repository root with ``pytest --behave examples/credit_tabular --behave-slices``.
"""

from __future__ import annotations

import pytest

import behavetest as bt
import credit_model  # the example's folder is on sys.path (pytest's rootdir-relative import)

SLICES = {
    "female": lambda row: row["sex"] == "female",
    "male": lambda row: row["sex"] == "male",
    "age_under_25": lambda row: row["age"] < 25,
}


@pytest.fixture(scope="module")
def credit():
    return credit_model.model()


def test_held_out_accuracy(behave, credit):
    """The decisions on the 300 held-out applicants against what happened (tracked: a reference figure)."""
    _, x_test, _, y_test = credit_model._split()
    behave.mft(credit, x_test.to_dict("records"), labels=list(y_test), capability="Accuracy", slices=SLICES)


def test_a_better_checking_account_never_lowers_p_good(behave, credit):
    """Moving an applicant's checking account from little or moderate to rich must not lower P(good)."""
    rows = [r for r in credit_model.test_rows() if r["checking_account"] in ("little", "moderate")]
    behave.dir(credit, rows, perturb=bt.perturb.set_value("checking_account", ["rich"]),
               expect=bt.expect.increase("good"), capability="Monotonicity", max_fail_rate=0.0, slices=SLICES)
