"""Expectations on text answers (``output="text"`` models): matching, sameness, and a user-supplied judge."""

from __future__ import annotations

import re
import string
from typing import Any, Callable

import numpy as np

from .._errors import DeclarationError
from .._model.model import PROBA, TEXT, Model
from .._model.prediction import Predictions
from ._base import Expectation, _bounds, _need, _need_labels, _Pairwise

_PUNCTUATION = str.maketrans("", "", string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b", re.IGNORECASE)


def normalize_answer(text: str, *, ignore_case: bool = True, ignore_punctuation: bool = True,
                     ignore_articles: bool = True) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, no articles (a, an, the), single spaces."""
    if ignore_case:
        text = text.lower()
    if ignore_punctuation:
        text = text.translate(_PUNCTUATION)
    if ignore_articles:
        text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def _options(ignore_case: bool, ignore_punctuation: bool, ignore_articles: bool) -> dict[str, bool]:
    for name, value in (("ignore_case", ignore_case), ("ignore_punctuation", ignore_punctuation),
                        ("ignore_articles", ignore_articles)):
        if not isinstance(value, bool):
            raise DeclarationError(f"expect.answer: {name} must be True or False, not {value!r}")
    return dict(ignore_case=ignore_case, ignore_punctuation=ignore_punctuation, ignore_articles=ignore_articles)


def _suffix(options: dict[str, bool]) -> str:
    off = [k for k, v in options.items() if not v]
    return "".join(f", {k}=False" for k in off)


def _value(spec: Any, x: Any) -> Any:
    return spec(x) if callable(spec) else spec


class _Answer(Expectation):
    def __init__(self, description: str, tests: dict[str, Any], options: dict[str, bool]) -> None:
        super().__init__(description)
        self.tests, self.options = tests, options

    def _norm(self, text: Any, what: str) -> str:
        if not isinstance(text, str):
            raise DeclarationError(f"expect.{self.description}: {what} must be a string, not {type(text).__name__} {text!r}")
        return normalize_answer(text, **self.options)

    def passes(self, answer: str, x: Any) -> bool:
        got = normalize_answer(answer, **self.options)
        for name, spec in self.tests.items():
            want = _value(spec, x)
            if name == "equals" and got != self._norm(want, "equals"):
                return False
            if name == "contains" and self._norm(want, "contains") not in got:
                return False
            if name == "one_of":
                if isinstance(want, str) or not hasattr(want, "__iter__"):
                    raise DeclarationError(f"expect.{self.description}: one_of must give a list of answers, not {want!r}")
                if got not in {self._norm(w, "one_of's answers") for w in want}:
                    return False
            if name == "regex":
                flags = re.IGNORECASE if self.options["ignore_case"] else 0
                if re.search(want, answer, flags) is None:
                    return False
        return True

    def check(self, model: Model, preds: Predictions, inputs: list) -> np.ndarray:
        _need(model, TEXT, "answer")
        return np.fromiter((self.passes(a, x) for a, x in zip(preds.answer, inputs)), dtype=bool, count=len(inputs))


def answer(
    *,
    equals: str | Callable[[Any], str] | None = None,
    contains: str | Callable[[Any], str] | None = None,
    regex: str | None = None,
    one_of: list[str] | Callable[[Any], list[str]] | None = None,
    ignore_case: bool = True,
    ignore_punctuation: bool = True,
    ignore_articles: bool = True,
) -> Expectation:
    """The answer equals ``equals``, contains ``contains``, matches ``regex`` (``re.search``) or is one of
    ``one_of``; every test given must hold.

    Answers are compared after SQuAD's normalisation (case, punctuation and the
    articles a/an/the ignored, spaces collapsed); turn parts off with
    ``ignore_case=False`` and so on. ``regex`` sees the answer as the model gave
    it (ignoring case unless ``ignore_case=False``). ``equals``, ``contains`` and
    ``one_of`` may be functions of the input, for answers that depend on it:
    ``answer(equals=lambda row: row["context"].split()[0])``.

    >>> expect.answer(one_of=["Paris", "the city of Paris"])
    """
    tests = {k: v for k, v in (("equals", equals), ("contains", contains), ("regex", regex), ("one_of", one_of))
             if v is not None}
    if not tests:
        raise DeclarationError("expect.answer needs equals=, contains=, regex= or one_of=")
    if regex is not None:
        try:
            re.compile(regex)
        except (re.error, TypeError) as exc:
            raise DeclarationError(f"expect.answer: regex={regex!r} is not a regular expression: {exc}") from None
    options = _options(ignore_case, ignore_punctuation, ignore_articles)
    shown = ", ".join(f"{k}={getattr(v, '__name__', None) or repr(v)}" if callable(v) else f"{k}={v!r}"
                      for k, v in tests.items())
    return _Answer(f"answer({shown}{_suffix(options)})", tests, options)


def answers_match(got: str, wanted: Any) -> bool:
    """An ``output="text"`` model's answer against an expected answer (``labels=``, a template's ``answer=``)."""
    if not isinstance(wanted, str):
        raise DeclarationError(f"an expected answer must be a string, not {type(wanted).__name__} {wanted!r}")
    return normalize_answer(got) == normalize_answer(wanted)


class _SameAnswer(_Pairwise):
    def __init__(self, options: dict[str, bool]) -> None:
        super().__init__(f"same_answer({_suffix(options)[2:]})")
        self.options = options

    def check_pairs(self, model, before, after, originals, perturbed):
        _need(model, TEXT, "same_answer()")
        norm = lambda a: normalize_answer(a, **self.options)  # noqa: E731
        return np.fromiter((norm(a) == norm(b) for a, b in zip(before.answer, after.answer)), dtype=bool,
                           count=len(originals))


def same_answer(*, ignore_case: bool = True, ignore_punctuation: bool = True, ignore_articles: bool = True) -> Expectation:
    """The perturbed input gets the same answer as the original, after SQuAD's normalisation
    (INV's default for ``output="text"`` models)."""
    return _SameAnswer(_options(ignore_case, ignore_punctuation, ignore_articles))


class _Judge(Expectation):
    def __init__(self, judge: Any, label: Any, ge: float | None, le: float | None, pair: bool) -> None:
        who = judge.name if isinstance(judge, Model) else getattr(judge, "__name__", repr(judge))
        bounds = "".join(f", {k}={v}" for k, v in (("ge", ge), ("le", le)) if v is not None)
        super().__init__(f"judge({who}" + ("" if label is None else f", label={label!r}") + bounds + ")")
        self.judge, self.label, self.ge, self.le, self.pair = judge, label, ge, le, pair

    def _in_bounds(self, value: Any, x: Any, answer: str) -> bool:
        if isinstance(value, (bool, np.bool_)) and self.ge is None and self.le is None:
            return bool(value)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            raise DeclarationError(
                f"expect.{self.description}: the judge returned {value!r} for answer {answer!r}; it must return "
                "True/False, or a number when ge=/le= are given"
            )
        if self.ge is None and self.le is None:
            raise DeclarationError(f"expect.{self.description}: the judge returns numbers; give ge= and/or le=")
        return (self.ge is None or value >= self.ge) and (self.le is None or value <= self.le)

    def check(self, model: Model, preds: Predictions, inputs: list) -> np.ndarray:
        _need(model, TEXT, "judge")
        answers = list(preds.answer)
        if not isinstance(self.judge, Model):
            return np.fromiter((self._in_bounds(self.judge(x, a), x, a) for x, a in zip(inputs, answers)),
                               dtype=bool, count=len(inputs))
        judged = [(x, a) for x, a in zip(inputs, answers)] if self.pair else answers
        verdicts = self.judge.predict(judged)
        column = self.judge.label_index(self.label)
        if self.ge is None and self.le is None:
            _need_labels(self.judge, self.description)
            return verdicts.label_idx == column
        _need(self.judge, PROBA, self.description)
        p = verdicts.proba[:, column]
        return (p >= (self.ge if self.ge is not None else -np.inf)) & (p <= (self.le if self.le is not None else np.inf))


def judge(
    judge: Callable[[Any, str], Any] | Model,
    *,
    label: Any = None,
    ge: float | None = None,
    le: float | None = None,
    pair: bool = False,
) -> Expectation:
    """A user-supplied judge of each answer.

    A function is called as ``judge(input, answer)`` and returns True/False, or a
    number that must lie in [``ge``, ``le``]. A classifier ``bt.Model`` is given the
    answers (with ``pair=True``, ``(input, answer)`` tuples); the answer passes when
    the judge predicts ``label``, or, with ``ge``/``le``, when P(``label``) lies in
    [ge, le]: ``judge(toxicity, label="toxic", le=0.2)``.
    """
    if isinstance(judge, Model):
        if label is None:
            raise DeclarationError(f"expect.judge with the classifier {judge.name!r} needs label=, the label that "
                                   "marks an acceptable answer (or, with ge=/le=, whose probability is bounded)")
    elif not callable(judge):
        raise DeclarationError(f"expect.judge needs a function (input, answer) -> bool or a bt.Model, not {type(judge).__name__}")
    if ge is not None or le is not None:
        _bounds(ge, le, "judge")
    if not isinstance(pair, bool):
        raise DeclarationError(f"expect.judge: pair must be True or False, not {pair!r}")
    return _Judge(judge, label, ge, le, pair)
