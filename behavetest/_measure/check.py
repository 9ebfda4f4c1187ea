"""``bt.check``: record outcomes from hand-written property tests without raising inside ``@given``."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from .._errors import BehaveError

_current: ContextVar["Checks | None"] = ContextVar("behavetest_checks", default=None)


class Checks:
    """The outcomes recorded by one test marked ``@pytest.mark.behave(capability=...)``."""

    def __init__(self) -> None:
        self.outcomes: list[tuple[bool, Any, Any]] = []

    def __enter__(self) -> "Checks":
        self._token = _current.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _current.reset(self._token)


def check(passed: bool, *, input: Any = None, prediction: Any = None) -> bool:
    """Record one outcome of a behavioral property test and return ``passed``.

    Use it inside an ordinary ``@given`` test marked
    ``@pytest.mark.behave(capability="Robustness", max_fail_rate=0.05)``: it never
    raises, so Hypothesis keeps generating instead of shrinking, and the test
    gets a failure rate, an interval and a verdict like any behavioral test::

        @pytest.mark.behave(capability="Robustness", max_fail_rate=0.1, model="vader")
        @given(st.sampled_from(reviews), st.integers(0, 5))
        def test_trailing_spaces(review, n):
            before, after = label(review), label(review + " " * n)
            bt.check(before == after, input=review, prediction=(before, after))
    """
    checks = _current.get()
    if checks is None:
        raise BehaveError(
            "bt.check() was called outside a behavioral test; mark the test with "
            "@pytest.mark.behave(capability=...) and run pytest with --behave"
        )
    if not isinstance(passed, bool) and type(passed).__name__ != "bool_":
        raise BehaveError(f"bt.check(passed) needs True or False, got {passed!r}")
    checks.outcomes.append((bool(passed), input, prediction))
    return bool(passed)


def measure_checks(checks: Checks, item: Any, options: dict[str, Any], *, seed: int):
    """The :class:`Result` of a property test from its recorded ``bt.check`` outcomes."""
    from .._errors import DeclarationError
    from .result import Example, Result
    from .runner import validate_declaration

    unknown = set(options) - {"capability", "max_fail_rate", "model", "name"}
    if unknown:
        raise DeclarationError(
            f"@pytest.mark.behave got unknown options {sorted(unknown)}; it takes capability, "
            "max_fail_rate, model and name"
        )
    capability, max_fail_rate = options.get("capability"), options.get("max_fail_rate")
    validate_declaration("mark.behave", capability, max_fail_rate)
    for key in ("name", "model"):
        value = options.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise DeclarationError(f"mark.behave: {key}= must be a non-empty string, not {value!r}")
    if not checks.outcomes:
        raise DeclarationError(
            f"{item.nodeid} is marked @pytest.mark.behave(capability=...) but recorded no "
            "outcome; call bt.check(passed, input=..., prediction=...) in it"
        )
    failed = [(x, p) for ok, x, p in checks.outcomes if not ok]
    return Result(
        name=options.get("name") or item.name,
        nodeid=item.nodeid,
        model=str(options.get("model") or "unnamed"),
        capability=capability,
        type="PROPERTY",
        cases=len(checks.outcomes),
        failures=len(failed),
        max_fail_rate=max_fail_rate,
        seed=seed,
        expectation="bt.check",
        examples=[Example(x, _Shown(p)) for x, p in failed[:10]],
    )


class _Shown:
    """A free-form prediction given to ``bt.check``, shown and stored as given."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __str__(self) -> str:
        return repr(self.value)

    def to_dict(self) -> dict[str, Any]:
        from .result import _jsonable

        return {"label": _jsonable(self.value)}
