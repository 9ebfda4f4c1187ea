"""Suite files are inert, bounded data: hostile YAML is refused with ``file:line:``, user code runs only with --behave.

The fuzzer mutates the project's own suite files and the YAML in its docs, and adds
alias bombs, deep nesting, tags and binary junk: every file must load or be refused
with a :class:`SuiteError` naming the file and a line, quickly. Its budget is
``BEHAVETEST_FUZZ_EXAMPLES`` examples (default 150; CI runs the default).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from behavetest._suites.build import BuiltTest
from behavetest._suites.loader import SuiteError, parse_suite

ROOT = Path(__file__).resolve().parents[1]
QUIET = ["-p", "no:faker", "-p", "no:benchmark", "-p", "no:cacheprovider"]
FILE = "fuzz.behave.yaml"
WHERE = re.compile(re.escape(FILE) + r":\d+: ")


def build(text: str) -> list[BuiltTest]:
    suite = parse_suite(FILE, text)
    return [BuiltTest(suite, t) for t in suite.tests]


def refused(text: str) -> str:
    with pytest.raises(SuiteError) as info:
        build(text)
    message = str(info.value)
    assert WHERE.match(message), message
    return message


MFT = "tests:\n  - name: t\n    capability: C\n    type: MFT\n    inputs: [a, b]\n"
INV = "tests:\n  - name: t\n    capability: C\n    type: INV\n    inputs: [a, b]\n"


@pytest.mark.parametrize("text, needle", [
    ("tests: &a [*a]\n", ":1: the alias *a is inside its own anchor"),
    ("tests:\n  - &t {name: t, capability: C, type: MFT, inputs: [*t]}\n", ":2: the alias *t is inside its own anchor"),
    ("a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 40 + "*a" + "]" * 40 + "\ntests: []\n",
     ":2: the values nest deeper than 64 levels (through an alias)"),
    ("tests: " + "[" * 500 + "]" * 500 + "\n", ":1: the values nest deeper than 64 levels"),
    ("tests:\n" + "".join("  " * i + "- \n" for i in range(1, 200)), "nest deeper than 64 levels"),
    (MFT + "    expect: {label: a}\n    max_fail_rate: !!int 0.1\n", ":7: '0.1' is not a valid !!int value"),
    ("tests: !!float x\n", ":1: 'x' is not a valid !!float value"),
    ("tests: !!timestamp x\n", ":1: the YAML tag !!timestamp is not allowed"),
    ("tests: !!bool maybe\n", ":1: 'maybe' is not a valid !!bool value"),
    ("tests: !!int ''\n", ":1: '' is not a valid !!int value"),
    ("tests: !!python/object/apply:os.system [echo hi]\n", "tag !!python/object/apply:os.system is not allowed"),
    ("tests: !local x\n", "tag !local is not allowed"),
    ("tests:\n  - <<: {name: t}\n", ":2: merge keys (<<) are not allowed"),
    ("tests:\n  - {[a]: b}\n", ":2: a mapping key must be a plain value"),
    ("tests:\n  - {1: b}\n", ":2: keys must be strings, not 1"),
    (MFT + "    expect: {label: a}\n    marks: [_private]\n", ":7: test 't': marks must be a list of marker names"),
    (MFT.replace("inputs: [a, b]", "template: {text: '{x} y', x: [a, b], label: {k: v}}"),
     ":5: test 't': a template's label must be a plain value"),
    (MFT.replace("inputs: [a, b]", "template: {text: '{x y', x: [a, b], label: a}"), ":5: test 't': bad template"),
    (MFT + "    labels: [{a: 1}, b]\n", ":6: test 't': every label must be a plain value"),
    (INV + "    perturb: null\n", ":6: test 't': perturb must be a perturbation's name or a one-key mapping"),
    (INV + "    perturb: {typos: -3}\n", ":6: test 't': bad perturbation"),
    (INV + "    perturb: {'os:system': 'echo x'}\n", None),  # the shape is fine: it loads, imports nothing
    (INV + "    perturb: {'os system:x y': 1}\n", ":6: test 't': 'os system:x y' is not a 'module:function' reference"),
    (MFT + "    expect: {'a b:c': 1}\n", ":6: test 't': 'a b:c' is not a 'module:function' reference"),
    (MFT + "    expect: {label: a}\n    slices: {s: 'not a ref'}\n", "slice 's' must be a 'module:function'"),
    ("\x00\x01 junk: [", ":1: not valid YAML"),
    ("tests:\n  - name: t\n\x07", ":3: not valid YAML"),
])
def test_malformed_values_are_refused_with_file_and_line(text, needle):
    if needle is None:
        assert len(build(text)) == 1
    else:
        assert needle in refused(text)


def test_aliases_within_the_budget_are_expanded():
    [built] = build(MFT.replace("inputs: [a, b]", "inputs: &w [a, b]") + "    labels: *w\n")
    assert built.inputs() == ["a", "b"] and built.test.labels == ["a", "b"]


def test_a_date_or_merge_sign_in_a_value_stays_text():
    [built] = build(MFT.replace("inputs: [a, b]", "inputs: [2020-01-01, '<<', =]") + "    expect: {label: a}\n")
    assert built.inputs() == ["2020-01-01", "<<", "="]


def test_an_alias_bomb_is_refused_fast():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    start = time.perf_counter()
    assert ": YAML aliases expand to more than 100,000 values" in refused("\n".join(lines) + "\ntests: [*a8]\n")
    assert time.perf_counter() - start < 2


def test_a_10_mb_suite_file_loads_in_seconds(tmp_path):
    import yaml

    inputs = "".join(f"      - 'input number {i} with some words to make it longer than it needs to be'\n"
                     for i in range(130_000))
    text = MFT.replace("    inputs: [a, b]\n", "    inputs:\n" + inputs) + "    expect: {label: a}\n"
    assert len(text) > 10_000_000
    start = time.perf_counter()
    [built] = build(text)
    elapsed = time.perf_counter() - start
    assert len(built.inputs()) == 130_000
    assert hasattr(yaml, "CSafeLoader"), "PyYAML without its C loader reads big suite files slowly"
    assert elapsed < 15, f"{elapsed:.1f} s"  # 4.5 s at load 13 on 2 cores (the old loader: 81 s); generous for CI


# -- the fuzzer ---------------------------------------------------------------------------


def _seed_files() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.rglob("*.behave.yaml")) if ".git" not in p.parts]
    for doc in (ROOT / "docs" / "suites.md", ROOT / "README.md"):
        texts += re.findall(r"```ya?ml\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S)
    return [t for t in texts if "tests:" in t or "extends:" in t]


SEEDS = _seed_files()
NASTY = ["&a", "*a", "!!int", "!!float", "!!bool", "!!timestamp", "!!binary", "!!python/name:os.system", "!x",
         "<<:", "? ", "- ", ": ", "[", "]", "{", "}", "'", '"', "|", ">", "#", "~", "null", ".nan", "-.inf", "2020-13-45",
         "0x1F", "1e400", "yes", "\t", "\x00", "\x1b[2J", "\ud800", "{text: '{a'}", "os:system", "a b:c", "%YAML 1.1",
         "---", "...", "-" * 3 + "\n", "tests: &t [*t]", "[[[[[[[[[[", "{a: {b: {c: {d: {e: {f: "]


@st.composite
def mutated(draw) -> str:
    lines = draw(st.sampled_from(SEEDS)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            lines = ["\n"]
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["token", "delete", "duplicate", "indent", "junk", "cut"]))
        if op == "token":
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.sampled_from(NASTY)) + line[at:]
        elif op == "delete":
            del lines[i:i + draw(st.integers(1, 3))]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = draw(st.sampled_from([" ", "  ", "    ", "\t"])) + lines[i]
        elif op == "junk":
            lines.insert(i, draw(st.binary(max_size=40)).decode("latin-1") + "\n")
        else:
            lines = lines[:i]
    return "".join(lines)


def _bomb(depth: int, width: int) -> str:
    rows = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, depth)]
    return "\n".join(rows) + f"\ntests: [*a{depth - 1}]\n"


hostile = st.one_of(
    mutated(),
    st.builds(_bomb, st.integers(1, 9), st.integers(1, 12)),
    st.integers(1, 2000).map(lambda n: "tests: " + "[" * n + "]" * n + "\n"),
    st.integers(1, 300).map(lambda n: "tests:\n  - " + "{a: " * n + "1" + "}" * n + "\n"),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
    st.text(max_size=300),
)


@settings(max_examples=int(os.environ.get("BEHAVETEST_FUZZ_EXAMPLES", "150")), deadline=None, derandomize=True,
          database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile)
def test_fuzzed_suite_files_load_or_are_refused_with_file_and_line(text):
    start = time.perf_counter()
    try:
        build(text)
    except SuiteError as exc:
        assert WHERE.match(str(exc)), str(exc)
    assert time.perf_counter() - start < 5


# -- user code in suite files ------------------------------------------------------------------

PLANTED = """
import pathlib

pathlib.Path("imported").write_text("the module was imported")


def loud(*args):
    pathlib.Path("called").write_text("called")
    raise SystemExit("must not run")
"""


def _suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(planted_refs=PLANTED)
    pytester.makefile(".behave.yaml", lazy="""
        model: planted_refs:loud
        tests:
          - name: t
            capability: C
            type: DIR
            inputs: [a]
            perturb: {'planted_refs:loud': 1}
            expect: {'planted_refs:loud': 'echo hi'}
            slices: {s: 'planted_refs:loud'}
    """)


@pytest.mark.parametrize("args, runs", [(["--collect-only"], False), ([], False), (["--behave"], True)])
def test_references_are_imported_only_when_the_test_runs_with_behave(pytester, args, runs):
    _suite(pytester)
    done = subprocess.run([sys.executable, "-m", "pytest", *QUIET, *args, "lazy.behave.yaml"], cwd=pytester.path,
                          capture_output=True, text=True, timeout=300)
    assert ("1 failed" in done.stdout) if runs else ("1 test collected" in done.stdout or "1 skipped" in done.stdout), \
        done.stdout
    assert (pytester.path / "imported").exists() is runs
    assert (pytester.path / "called").exists() is runs


def test_sys_path_is_restored_after_a_suite_imports(pytester):
    pytester.makepyfile(suite_refs="""
        import behavetest as bt

        def model():
            return bt.Model(lambda texts: [[0.1, 0.9] for _ in texts], labels=["neg", "pos"], name="m")

        def is_short(x):
            return len(x) < 3
    """)
    folder = pytester.path / "suites"
    folder.mkdir()
    (pytester.path / "suite_refs.py").rename(folder / "suite_refs.py")
    (folder / "s.behave.yaml").write_text(
        "model: suite_refs:model\nslices: {short: 'suite_refs:is_short'}\n"
        "tests:\n  - {name: t, capability: C, type: MFT, inputs: [a, abcd], expect: {label: pos}}\n")
    pytester.makepyfile(test_zz_path="""
        import sys

        def test_path_after_suite():
            assert not any(p.endswith("suites") for p in sys.path), sys.path
    """)
    done = subprocess.run([sys.executable, "-m", "pytest", *QUIET, "--behave", "-p", "no:randomly",
                           "suites/s.behave.yaml", "test_zz_path.py"], cwd=pytester.path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_control_characters_in_suite_names_are_escaped_in_the_terminal(pytester):
    pytester.makepyfile(ansi_model="""
        import behavetest as bt

        def model():
            return bt.Model(lambda texts: [[0.9, 0.1] for _ in texts], labels=["neg", "pos"], name="m\\x1b[2J")
    """)
    (pytester.path / "ansi.behave.yaml").write_text(
        'model: ansi_model:model\ntests:\n  - {name: "t\\e[31m", capability: "C\\e]0;x\\a", type: MFT, inputs: [a],'
        ' expect: {label: pos}, max_fail_rate: 0}\n')
    done = subprocess.run([sys.executable, "-m", "pytest", *QUIET, "--behave", "--color=no", "-v", "ansi.behave.yaml"],
                          cwd=pytester.path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout
    assert "t\\x1b[31m" in done.stdout and "C\\x1b]0;x\\x07" in done.stdout
