"""Recompute the weak slices that ``--behave-discover`` reports for this example, from the data and the model alone.

    python examples/credit_tabular/check_discoveries.py

Nothing of behavetest is used: the held-out split and the pipeline of ``credit_model``,
then plain pandas/numpy counts of each slice and of the rest of its test.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import credit_model  # noqa: E402


def main() -> None:
    _, x_test, _, y_test = credit_model._split()
    pipe = credit_model.pipeline()
    pred = pipe.predict(x_test)

    def show(test: str, slice_text: str, inside: np.ndarray, failed: np.ndarray) -> None:
        print(f"{test}: {slice_text}: {int((failed & inside).sum())}/{int(inside.sum())} failed; "
              f"rest {int((failed & ~inside).sum())}/{int((~inside).sum())}")

    wrong = pred != y_test.to_numpy()
    show("test_held_out_accuracy", "duration<18 and expected=bad",
         (x_test["duration"] < 18).to_numpy() & (y_test == "bad").to_numpy(), wrong)

    other_sex = x_test.assign(sex=np.where(x_test["sex"] == "female", "male", "female"))
    show("protected_sex", "sex=female and prediction=bad",
         (x_test["sex"] == "female").to_numpy() & (pred == "bad"), pipe.predict(other_sex) != pred)

    changed = np.zeros(len(x_test), dtype=bool)  # samples: 3 tries every other job level
    for level in range(4):
        changed |= (pipe.predict(x_test.assign(job=level)) != pred) & (x_test["job"] != level).to_numpy()
    show("irrelevant_job", "credit_amount<3777 and prediction=bad",
         (x_test["credit_amount"] < 3777).to_numpy() & (pred == "bad"), changed)


if __name__ == "__main__":
    main()
