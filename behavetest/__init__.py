"""behavetest: behavioral testing of machine-learned models as a pytest plugin.

The public API: :class:`Model`, the ``expect`` and ``perturb`` namespaces,
:func:`perturbation` for writing perturbations with Hypothesis, templates and
lexicons, slices, :func:`check` for property tests, :func:`run` for notebooks,
and the result and error types. Everything else lives in private modules.

Names are imported on first use, so that loading the pytest plugin (which
imports this package) costs nothing on a plain ``pytest`` run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Behave": "._measure.runner",
    "BehaveError": "._errors",
    "BehaviorFailed": "._errors",
    "Case": "._cases.template",
    "DeclarationError": "._errors",
    "Example": "._measure.result",
    "HttpProtocol": "._model.protocols",
    "Model": "._model.model",
    "ModelError": "._errors",
    "NotApplicable": "._errors",
    "NotApplicableToModel": "._errors",
    "Perturbation": ".perturb._perturbation",
    "Prediction": "._model.prediction",
    "Result": "._measure.result",
    "Template": "._cases.template",
    "check": "._measure.check",
    "compare_slices": "._measure.slice_compare",
    "discover": "._measure.discover",
    "from_checklist": ".checklist",
    "lexicon": "._cases.lexicons",
    "load_checklist_suite": ".checklist_release",
    "perturbation": ".perturb._perturbation",
    "run": "._notebook",
    "slice": "._measure.slices",
    "template": "._cases.template",
}
_SUBMODULES = {"expect", "perturb"}

__all__ = sorted([*_EXPORTS, *_SUBMODULES])

if TYPE_CHECKING:
    from . import expect, perturb
    from ._measure.check import check
    from ._measure.slice_compare import compare_slices
    from ._measure.discover import discover
    from .checklist import from_checklist
    from .checklist_release import load_checklist_suite
    from ._errors import BehaveError, BehaviorFailed, DeclarationError, ModelError, NotApplicable, NotApplicableToModel
    from ._cases.lexicons import lexicon
    from ._model.model import Model
    from ._model.protocols import HttpProtocol
    from ._notebook import run
    from .perturb._perturbation import Perturbation, perturbation
    from ._model.prediction import Prediction
    from ._measure.result import Example, Result
    from ._measure.runner import Behave
    from ._measure.slices import slice
    from ._cases.template import Case, Template, template


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _EXPORTS:
        # Not cached here: the module's own attribute stays the one source of truth.
        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module 'behavetest' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
