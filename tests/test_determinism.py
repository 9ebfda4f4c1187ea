"""Generated cases depend only on the seed and the input, not on the process or the code around it."""

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import hashlib, sys
    sys.path.insert(0, sys.argv[1])
    if sys.argv[2] == "with-constants":
        import user_constants  # a local module full of integers Hypothesis could borrow
    import behavetest as bt
    from hypothesis import strategies as st
    from behavetest._cases.generate import Generator
    from behavetest._model.keys import cache_key
    texts = ["review %d" % i for i in range(300)]
    wide = bt.Perturbation(lambda t: st.integers(0, 10000).map(lambda i: t + " " + str(i)), name="wide")
    cases = Generator(seed=3).generate(wide, texts, [cache_key(t) for t in texts], 3)
    print(hashlib.sha256(repr([c.values for c in cases]).encode()).hexdigest())
    """
)


def _run(tmp_path, mode, hashseed):
    (tmp_path / "user_constants.py").write_text("X = [1234, 5678, 4321, 8765, 2468, 1357, 9753, 8642]\n")
    env = {"PYTHONHASHSEED": hashseed, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), mode], cwd=tmp_path,
                         capture_output=True, text=True, env=env, check=True)
    return out.stdout.strip()


def test_cases_do_not_depend_on_hash_seed_or_local_source_constants(tmp_path):
    plain = _run(tmp_path, "plain", "1")
    assert plain == _run(tmp_path, "plain", "2")
    assert plain == _run(tmp_path, "with-constants", "3")


def test_loading_the_plugin_imports_nothing_heavy():
    code = ("import sys, behavetest.plugin; "
            "print(sorted(m for m in ('numpy', 'hypothesis', 'pandas', 'yaml', 'faker', 'tabulate', 'sklearn', 'httpx', 'tenacity') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
