"""The model under test: adapters that turn a model into batched predictions, and input keys."""
