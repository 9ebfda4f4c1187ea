"""Exceptions raised by behavetest; each message says what, where and how to fix it."""

from __future__ import annotations


class BehaveError(Exception):
    """Base class of every error behavetest raises on purpose."""


class DeclarationError(BehaveError, TypeError):
    """A behavioral test, expectation or perturbation was declared wrongly."""


class ModelError(BehaveError):
    """The model under test raised, or returned something that is not a valid prediction."""


class BehaviorFailed(AssertionError):
    """A behavioral test's failure rate exceeded its ``max_fail_rate``."""


class NotApplicable(Exception):
    """Raised inside a perturbation to say it does not apply to this input.

    Inputs for which every drawn perturbation is not applicable are reported as
    *not applicable*; they never count as passes.
    """


for _cls in (BehaveError, DeclarationError, ModelError, BehaviorFailed, NotApplicable):
    _cls.__module__ = "behavetest"
