"""``--behave-discover`` end to end: the weak-slices section, the JSON discoveries, serially and under ``-n 2``."""

from __future__ import annotations

import json
import re

import numpy  # noqa: F401  (imported before any in-process pytester run; see plugin-pitfalls.md)
import pytest

from behavetest._measure.discover import DEFAULT_Q
from behavetest.plugin import DEFAULT_DISCOVER_Q

QUIET = ["-p", "no:faker", "-p", "no:benchmark"]
MODES = [pytest.param(QUIET, id="serial"), pytest.param([*QUIET, "-n", "2"], id="xdist")]

# A model that calls everything positive except texts with one of three adjectives,
# over a template with 20 adjectives (more than the 12 the declared-slice table shows).
SUITE = '''
import pytest
import behavetest as bt
from planted_models import ADJECTIVES as ADJ, words_blind

PLANTED = ("helpful", "arrogant", "unfriendly")

@pytest.fixture(scope="session")
def model():
    return bt.Model(words_blind(PLANTED), labels=["negative", "positive"], name="planted")


def test_identity(behave, model):
    cases = bt.template("{who} is {a:adj} {nat} person.", who=["Ann", "Bob", "Cem", "Dee"], adj=ADJ,
                        nat=["Kenyan", "Polish", "Mexican", "Indian", "Greek"], label="positive")
    behave.mft(model, cases, capability="Fairness")


def test_clean(behave, model):
    behave.mft(model, [f"case {i} is fine" for i in range(50)], expect=bt.expect.label("positive"),
               capability="Vocabulary")
'''


def test_the_default_level_is_the_same_everywhere():
    assert DEFAULT_DISCOVER_Q == DEFAULT_Q == 0.05


@pytest.mark.parametrize("mode", MODES)
def test_discover_names_the_planted_slice(planted_pytester, mode):
    planted_pytester.makepyfile(test_planted=SUITE)
    result = planted_pytester.runpytest(*mode, "--behave", "--behave-discover", "--behave-json", "out.json",
                                "--behave-html", "out.html", "--behave-md", "out.md")
    assert result.ret == 0  # tracked tests: discovery reports, it never fails a run by itself
    out = result.stdout.str()
    lines = [line for line in out.splitlines() if line.startswith("    test_identity: ")]
    assert len(lines) == 1, out
    # 4 people x 5 nationalities x 3 planted adjectives = 60 failures among 400 cases
    assert re.match(r"    test_identity: adj in \{(arrogant|helpful|unfriendly)(, (arrogant|helpful|unfriendly)){2}\}: "
                    r"60/60 failed \(100\.0%, 95% CI 94\.0%-100\.0%\) vs 0\.0% of the other 340, p_adj=", lines[0]), lines[0]
    assert "weak slices: 1 weak slice among" in out
    assert "  Fairness (planted)" in out and "Vocabulary (planted)" not in out.split("weak slices:")[1]
    document = json.loads((planted_pytester.path / "out.json").read_text())
    discovery = document["discovery"]
    assert discovery["q"] == 0.05 and discovery["candidates"] > 20
    [finding] = discovery["findings"]
    assert finding["predicate"][0]["field"] == "adj" and finding["predicate"][0]["op"] == "in"
    assert sorted(finding["predicate"][0]["value"]) == ["arrogant", "helpful", "unfriendly"]
    assert (finding["cases"], finding["failures"], finding["rest_cases"], finding["rest_failures"]) == (60, 60, 340, 0)
    assert finding["p_adjusted"] <= 0.05 and len(finding["examples"]) == 3
    identity = next(t for t in document["tests"] if t["name"] == "test_identity")
    assert len(identity["case_table"]["failed"]) == 400
    page = (planted_pytester.path / "out.html").read_text()
    section = page.split('<section id="weak-slices">')[1].split("</section>")[0]
    assert '<a href="#weak-slices">Weak slices</a>' in page
    assert "<title" in section and "rest of the test" in section and "60/60" in section and "0/340" in section
    assert section.count("<li><code>") == 3 and all(a in section for a in ("helpful", "arrogant", "unfriendly"))
    markdown = (planted_pytester.path / "out.md").read_text()
    assert "### Weak slices" in markdown
    [row] = [line for line in markdown.splitlines() if line.startswith("| Fairness | test\\_identity |")]
    assert "| 60/60 | 100.0% (94.0% \u2013 100.0%) | 0.0% |" in row, row


def test_without_the_flag_nothing_is_recorded(planted_pytester):
    planted_pytester.makepyfile(test_planted=SUITE)
    result = planted_pytester.runpytest(*QUIET, "--behave", "--behave-json", "out.json")
    assert "weak slices" not in result.stdout.str()
    document = json.loads((planted_pytester.path / "out.json").read_text())
    assert "discovery" not in document and all("case_table" not in t for t in document["tests"])


def test_ini_twin_and_level(planted_pytester):
    planted_pytester.makepyfile(test_planted=SUITE)
    planted_pytester.makeini("[pytest]\nbehave_discover = true\nbehave_discover_q = 0.01\n")
    result = planted_pytester.runpytest(*QUIET, "--behave")
    assert "false-discovery rate q=0.01" in result.stdout.str()
    bad = planted_pytester.runpytest(*QUIET, "--behave", "--behave-discover-q", "2")
    assert bad.ret == 4 and "--behave-discover-q must be strictly between 0 and 1" in bad.stderr.str()


MODEL = '''
import behavetest as bt
from planted_models import words_blind


def model():
    return bt.Model(words_blind(("helpful", "arrogant", "unfriendly")), labels=["negative", "positive"], name="planted")
'''

SUITE_FILE = '''# A suite whose comments and layout must survive `behavetest slices save`.
version: 1
model: planted_model:model   # the planted model
tests:
  - name: identity
    capability: Fairness
    type: MFT
    template:
      - text: "{who} is {a:adj} {nat} person."
        who: [Ann, Bob, Cem, Dee]
        adj: [good, great, helpful, kind, friendly, honest, arrogant, rude, unfriendly, boring,
              brilliant, careful, clever, lazy, polite, calm, cruel, nice, smart, warm]
        nat: [Kenyan, Polish, Mexican, Indian, Greek]
        label: positive
'''


def test_a_saved_discovery_is_tracked_as_a_declared_slice(planted_pytester, capsys):
    from behavetest.cli import main

    planted_pytester.makepyfile(planted_model=MODEL)
    planted_pytester.syspathinsert()
    suite = planted_pytester.path / "planted.behave.yaml"
    suite.write_text(SUITE_FILE)
    first = planted_pytester.runpytest(*QUIET, "--behave", "--behave-discover", "--behave-json", "run.json")
    assert first.ret == 0
    run = str(planted_pytester.path / "run.json")
    capsys.readouterr()  # planted_pytester's own output
    assert main(["slices", "list", run]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("1. [Fairness] identity (planted): adj in {")
    assert main(["slices", "save", run, "--to", str(suite), "--pick", "1", "--name", "weak_adjectives"]) == 0
    assert "slice 'weak_adjectives' added to" in capsys.readouterr().out
    text = suite.read_text()
    assert text.startswith(SUITE_FILE)  # every line and comment kept
    assert text[len(SUITE_FILE):].startswith("\nslices:\n  weak_adjectives:\n    where: [{field: adj, op: in, value: [")
    second = planted_pytester.runpytest(*QUIET, "--behave", "--behave-slices", "--behave-json", "run2.json")
    assert second.ret == 0
    [test] = json.loads((planted_pytester.path / "run2.json").read_text())["tests"]
    assert test["slices"]["weak_adjectives"] == {"cases": 60, "failures": 60, "fail_rate": 1.0,
                                                 "ci": test["slices"]["weak_adjectives"]["ci"]}
    assert "weak_adjectives" in second.stdout.str()
    capsys.readouterr()
    # the same name twice, a number that does not exist, a run without discoveries: clear errors, exit 2
    assert main(["slices", "save", run, "--to", str(suite), "--name", "weak_adjectives"]) == 2
    assert "already declares slice weak_adjectives" in capsys.readouterr().err
    assert main(["slices", "save", run, "--to", str(suite), "--pick", "7"]) == 2
    assert "no weak slice numbered 7" in capsys.readouterr().err
    assert main(["slices", "list", str(planted_pytester.path / "run2.json")]) == 2
    assert "run pytest with --behave-discover" in capsys.readouterr().err


def test_saving_into_an_existing_slices_block_keeps_its_indentation(tmp_path):
    from behavetest._suites.loader import parse_suite
    from behavetest._suites.save_slices import add_slices, slice_name

    path = tmp_path / "s.behave.yaml"
    path.write_text("slices:\n    short: mypkg.slices:is_short   # by hand\n\ntests:\n  - name: t\n    capability: C\n"
                    "    type: MFT\n    inputs: [a]\n    expect: {label: x}\n")
    name = slice_name("age<25 and sex=female")
    assert name == "age_lt_25_and_sex_female"
    text = add_slices(path, {name: [{"field": "age", "op": "<", "value": 25}, {"field": "sex", "op": "==", "value": "yes"}]})
    assert text.startswith("slices:\n    short: mypkg.slices:is_short   # by hand\n    age_lt_25_and_sex_female:\n"
                           "      where: [{field: age, op: <, value: 25}, {field: sex, op: ==, value: 'yes'}]\n\ntests:")
    suite = parse_suite(path, text)
    young = suite.slices[name]
    assert [str(c) for c in young.conditions] == ["age<25", "sex=yes"]  # 'yes' stays a string, not YAML's true
