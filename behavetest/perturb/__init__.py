"""Perturbations for INV and DIR tests, built on Hypothesis strategies.

A perturbation maps one input to a Hypothesis strategy of perturbed inputs; any
such function works where a perturbation is expected. Compose them with
``a | b`` (either), :func:`chain` (all, in order) and :func:`any_of`.
"""

from .._perturbation import Perturbation, any_of, chain
from ._basic import append, prepend, replace, typos

__all__ = ["Perturbation", "any_of", "append", "chain", "prepend", "replace", "typos"]
