# The shared test material in fixtures/ (planted models, small datasets, suite snippets).
# Registered here, not in the root conftest.py: a pytester run given a file of this checkout
# (capabilities/qa.behave.yaml) loads the root conftest as a non-top-level one, where
# pytest_plugins is an error.
pytest_plugins = ["fixtures.plugin"]
