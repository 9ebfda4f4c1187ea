"""behavetest: behavioral testing of machine-learned models as a pytest plugin.

The public API: :class:`Model`, the ``expect`` and ``perturb`` namespaces,
:func:`perturbation` for writing perturbations with Hypothesis, and the result
and error types. Everything else lives in private modules.
"""

from . import expect, perturb
from ._check import check
from ._errors import BehaveError, BehaviorFailed, DeclarationError, ModelError, NotApplicable
from ._model import Model
from ._perturbation import Perturbation, perturbation
from ._prediction import Prediction
from ._result import Example, Result
from ._runner import Behave
from ._slices import slice

__version__ = "0.1.0"

__all__ = [
    "Behave", "BehaveError", "BehaviorFailed", "DeclarationError", "Example", "Model", "ModelError",
    "NotApplicable", "Perturbation", "Prediction", "Result", "check", "slice", "expect", "perturb", "perturbation",
]
