"""A Hugging Face ``transformers`` text classifier (a pipeline, or a model and its tokenizer) as a prediction function.

``transformers`` and ``torch`` are never imported here: the objects come from the user,
and tensors are made through the tokenizer they passed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._errors import DeclarationError


def is_pipeline(target: Any) -> bool:
    """A transformers pipeline, recognised without importing transformers."""
    return type(target).__module__.startswith("transformers.") and hasattr(target, "model") and hasattr(target, "task")


def is_transformers_model(target: Any) -> bool:
    return type(target).__module__.startswith("transformers.") and hasattr(getattr(target, "config", None), "id2label")


class TransformersTarget:
    """Batched class probabilities (``top_k=None``) from a pipeline, or a model and tokenizer, in config label order."""

    def __init__(self, target: Any, *, tokenizer: Any = None, device: Any = None, batch_size: int = 32,
                 max_length: int | None = None) -> None:
        if is_pipeline(target):
            if tokenizer is not None:
                raise DeclarationError("a transformers pipeline brings its own tokenizer; pass the pipeline alone")
            if device is not None:
                raise DeclarationError("a transformers pipeline runs on the device it was built with: "
                                       "pipeline(..., device=...) instead of bt.Model(..., device=...)")
            self.pipeline, self.model, self.tokenizer = target, target.model, None
        elif is_transformers_model(target):
            if tokenizer is None:
                raise DeclarationError("a transformers model needs its tokenizer: bt.Model.transformers(model, tokenizer=...)")
            self.pipeline, self.model, self.tokenizer = None, target, tokenizer
            if device is not None:
                self.model.to(device)
            self.model.eval()
        else:
            raise DeclarationError(
                f"bt.Model.transformers needs a text-classification pipeline or a model with a config, "
                f"not {type(target).__name__}")
        id2label = self.model.config.id2label
        self.labels = [id2label[i] for i in sorted(id2label)]
        self.batch_size, self.max_length = batch_size, max_length
        self.__name__ = getattr(self.model.config, "name_or_path", "") or type(self.model).__name__

    def behave_fingerprint(self) -> tuple:
        config = self.model.config
        return ("transformers", type(self.model).__name__, config.to_json_string(use_diff=False),
                getattr(config, "_commit_hash", None), self.max_length)

    def __call__(self, texts: list) -> np.ndarray:
        if self.pipeline is not None:
            return self._from_pipeline(list(texts))
        return self._from_model(list(texts))

    def _from_pipeline(self, texts: list) -> np.ndarray:
        options = {"truncation": True, **({"max_length": self.max_length} if self.max_length else {})}
        answers = self.pipeline(texts, top_k=None, batch_size=self.batch_size, **options)
        position = {label: i for i, label in enumerate(self.labels)}
        out = np.zeros((len(texts), len(self.labels)))
        for row, scores in enumerate(answers):
            for entry in scores:
                out[row, position[entry["label"]]] = entry["score"]
        return out

    def _from_model(self, texts: list) -> np.ndarray:
        import torch

        device = next(self.model.parameters()).device
        rows = []
        for start in range(0, len(texts), self.batch_size):
            encoded = self.tokenizer(texts[start : start + self.batch_size], padding=True, truncation=True,
                                     max_length=self.max_length, return_tensors="pt").to(device)
            with torch.no_grad():
                logits = self.model(**encoded).logits
            rows.append(torch.softmax(logits.float(), dim=-1).cpu().numpy())
        return np.concatenate(rows).astype(float)
