"""A transformers text classifier as a bt.Model target: a tiny randomly initialised BERT and a tokenizer built here.

Nothing is downloaded: the config, the weights (random, seeded) and the word-level
tokenizer are made in the test. Skipped without transformers, torch and tokenizers
(they are not in the dev extra: ``pip install torch==2.13.0 "behavetest[transformers]"``).
"""

from __future__ import annotations

import numpy as np
import pytest

import behavetest as bt

torch = pytest.importorskip("torch", reason="transformers tests need torch: pip install torch")
transformers = pytest.importorskip("transformers", reason="pip install 'behavetest[transformers]'")
tokenizers = pytest.importorskip("tokenizers", reason="pip install 'behavetest[transformers]'")

WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "film", "is", "good", "bad", "not", "very", "plot", "dull"]
LABELS = ["negative", "neutral", "positive"]
TEXTS = ["the film is good", "the plot is dull", "not very good", "bad", "the film is not bad",
         "very very good film", "dull", "good", "the", "plot"]


def _tokenizer():
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                                cls_token="[CLS]", sep_token="[SEP]")


def _model(hidden: int = 16):
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=len(WORDS), hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
        max_position_embeddings=32, num_labels=3, id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)})
    return transformers.BertForSequenceClassification(config).eval()


@pytest.fixture(scope="module")
def parts():
    return _model(), _tokenizer()


@pytest.fixture(scope="module")
def pipe(parts):
    model, tokenizer = parts
    return transformers.pipeline("text-classification", model=model, tokenizer=tokenizer, device="cpu")


def _reference(model, tokenizer, texts):
    """Softmax of the logits, one text at a time (no padding), computed here."""
    rows = []
    with torch.no_grad():
        for text in texts:
            rows.append(torch.softmax(model(**tokenizer([text], return_tensors="pt")).logits, dim=-1)[0].numpy())
    return np.array(rows, dtype=float)


def _count_forward(model):
    calls = []
    handle = model.register_forward_hook(lambda module, args, kwargs_or_out, *rest: calls.append(1))
    return calls, handle


def test_a_pipeline_is_a_model_target_with_all_class_probabilities(parts, pipe):
    model = bt.Model(pipe, batch_size=4)
    calls, handle = _count_forward(parts[0])
    try:
        preds = model.predict(TEXTS)
    finally:
        handle.remove()
    assert model.labels == LABELS  # from the config's id2label
    assert preds.proba.shape == (len(TEXTS), 3)
    np.testing.assert_allclose(preds.proba.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(preds.proba, _reference(*parts, TEXTS), atol=1e-5)
    assert len(calls) >= 3 and model.calls == 3  # 10 inputs in model batches of 4


def test_a_model_and_tokenizer_are_batched_on_the_given_device(parts):
    net, tokenizer = parts
    moved = []
    original = net.to
    net.to = lambda *args, **kw: (moved.append(args), original(*args, **kw))[1]
    try:
        model = bt.Model.transformers(net, tokenizer=tokenizer, device="cpu", batch_size=3)
    finally:
        del net.to
    assert moved == [("cpu",)]
    calls, handle = _count_forward(net)
    try:
        preds = model.predict(TEXTS)
    finally:
        handle.remove()
    assert len(calls) == 4  # ceil(10 / 3) padded batches
    assert model.labels == LABELS and model.name == "BertForSequenceClassification"
    np.testing.assert_allclose(preds.proba, _reference(net, tokenizer, TEXTS), atol=1e-5)


def test_declaration_errors(parts, pipe):
    net, tokenizer = parts
    with pytest.raises(bt.DeclarationError, match=r"needs its tokenizer"):
        bt.Model.transformers(net)
    with pytest.raises(bt.DeclarationError, match=r"pipeline\(\.\.\., device=\.\.\.\)"):
        bt.Model.transformers(pipe, device="cpu")


def test_identity_is_the_model_name_and_config(parts, pipe):
    net, tokenizer = parts
    same = bt.Model.transformers(_model(), tokenizer=tokenizer).identity
    assert bt.Model.transformers(net, tokenizer=tokenizer).identity == same
    assert bt.Model.transformers(_model(hidden=8), tokenizer=tokenizer).identity != same
    assert bt.Model(pipe).identity is not None


def test_a_behavioral_test_runs_against_a_pipeline(pipe):
    behave = bt.Behave(test_name="t")
    model = bt.Model(pipe)
    result = behave.inv(model, TEXTS, perturb=bt.perturb.typos(1), capability="Robustness", samples=2)
    assert result.cases == len(TEXTS) and 0 <= result.failures <= len(TEXTS)
