"""Built-in capability suites, installed as ``behavetest.capabilities``.

Run one by name: ``pytest --behave --behave-suite sentiment --behave-model mypkg.models:sentiment``.
"""
