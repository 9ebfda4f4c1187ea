"""Exceptions raised by behavetest; each message says what, where and how to fix it."""

from __future__ import annotations

from ._text import terminal_text


class _SafeMessage:
    """Messages are shown in terminals and travel through xdist: control characters and lone surrogates
    from user-supplied text are escaped when the error is made."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(terminal_text(a) if isinstance(a, str) else a for a in args))


class BehaveError(_SafeMessage, Exception):
    """Base class of every error behavetest raises on purpose."""


class DeclarationError(BehaveError, TypeError):
    """A behavioral test, expectation or perturbation was declared wrongly."""


class ModelError(BehaveError):
    """The model under test raised, or returned something that is not a valid prediction."""


class BehaviorFailed(_SafeMessage, AssertionError):
    """A behavioral test's failure rate exceeded its ``max_fail_rate``."""


class NotApplicable(Exception):
    """Raised inside a perturbation to say it does not apply to this input.

    Inputs for which every drawn perturbation is not applicable are reported as
    *not applicable*; they never count as passes.
    """


class NotApplicableToModel(BehaveError):
    """A suite test that expects a label the model does not have (a neutral test for a binary model).

    Under pytest the test is skipped and the behavioral summary lists it: the reason
    travels as the user property named :attr:`PROPERTY`.
    """

    PROPERTY = "behave_not_applicable"


for _cls in (BehaveError, DeclarationError, ModelError, BehaviorFailed, NotApplicable, NotApplicableToModel):
    _cls.__module__ = "behavetest"
