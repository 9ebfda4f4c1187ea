"""The gate: stored baselines and the significance-tested comparison of a run against them."""
