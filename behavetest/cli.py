"""The ``behavetest`` command: show, diff, merge and render the JSON files a run writes.

    behavetest show RUN.json [--details] [--slices]
    behavetest diff BASE NEW [--tolerance PP] [--alpha A] [--correction holm|none] [--json OUT]
    behavetest merge A.json B.json ... -o ALL.json
    behavetest html RUN.json -o report.html
    behavetest slices list RUN.json
    behavetest slices save RUN.json --to SUITE.behave.yaml [--pick N ...] [--name NAME]
    behavetest slices compare BEFORE.json AFTER.json [--q Q]

``RUN.json`` is a ``--behave-json`` file. For ``diff``, BASE and NEW may each be a
run file, a baseline file (``<dir>/<model>.json``) or a baseline directory; it
makes the same comparison as ``pytest --behave-baseline`` (same tests, Holm
correction and tolerance) and exits 1 on a significant regression, 0 otherwise.
Errors print ``behavetest: error: ...`` and exit with 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

from ._gate.baseline import BaselineError, dumps, read_json, validate_run, write_text_atomic
from ._gate.regression import CORRECTIONS, DEFAULT_ALPHA, DEFAULT_TOLERANCE_PP
from ._text import terminal_text


class CliError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """Usage errors of the subcommands say ``behavetest: error:`` too (exit code 2)."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"behavetest: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="behavetest", description="Show, compare, merge and render behavetest results.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    show = sub.add_parser("show", help="print the behavioral summary table of a --behave-json file")
    show.add_argument("run", metavar="RUN.json")
    show.add_argument("--details", action="store_true", help="a row per test, with failing examples")
    show.add_argument("--slices", action="store_true", help="the capability x slice table")

    diff = sub.add_parser("diff", help="compare a run with a baseline; exit 1 on a significant regression")
    diff.add_argument("base", metavar="BASE", help="a baseline directory, a baseline file or a run JSON file")
    diff.add_argument("new", metavar="NEW", help="a run JSON file (or a baseline file or directory)")
    diff.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE_PP, metavar="PP",
                      help=f"tolerated rise in fail rate in percentage points (default {DEFAULT_TOLERANCE_PP:g})")
    diff.add_argument("--alpha", type=float, default=DEFAULT_ALPHA,
                      help=f"significance level (default {DEFAULT_ALPHA:g})")
    diff.add_argument("--correction", choices=CORRECTIONS, default="holm",
                      help="multiple-comparison correction (default holm)")
    diff.add_argument("--json", metavar="OUT", help="also write the comparison as JSON to OUT")

    merge = sub.add_parser("merge", help="merge the --behave-json files of a split (sharded) run")
    merge.add_argument("runs", nargs="+", metavar="RUN.json")
    merge.add_argument("-o", "--output", required=True, metavar="ALL.json")

    html = sub.add_parser("html", help="render a --behave-json file as a self-contained HTML report")
    html.add_argument("run", metavar="RUN.json")
    html.add_argument("-o", "--output", required=True, metavar="report.html")

    slices = sub.add_parser("slices", help="list the weak slices of a run, or save them as declared slices")
    slices_sub = slices.add_subparsers(dest="slices_command", metavar="ACTION", required=True, parser_class=_Parser)
    listing = slices_sub.add_parser("list", help="the numbered weak slices of a --behave-discover run")
    listing.add_argument("run", metavar="RUN.json")
    save = slices_sub.add_parser("save", help="add weak slices to a suite file as declared slices")
    save.add_argument("run", metavar="RUN.json")
    save.add_argument("--to", required=True, metavar="SUITE.behave.yaml", help="the suite file to add them to")
    save.add_argument("--pick", type=int, nargs="+", metavar="N",
                      help="the numbers of the slices to save (as `slices list` numbers them; default all)")
    save.add_argument("--name", help="the name of the declared slice (only with one picked slice)")
    compare = slices_sub.add_parser("compare", help="the slices whose failure rate rose significantly between two runs")
    compare.add_argument("before", metavar="BEFORE.json", help="a run file of the earlier version")
    compare.add_argument("after", metavar="AFTER.json", help="a --behave-discover run file of the new version")
    compare.add_argument("--q", type=float, default=0.05, help="false-discovery rate (default 0.05)")
    compare.add_argument("--json", metavar="OUT", help="also write the comparison as JSON to OUT")
    return parser


def load_run(path: str, *, complete: bool = False) -> dict[str, Any]:
    """A validated run file; with ``complete``, one of an incomplete run is refused (it cannot gate or merge)."""
    document = validate_run(read_json(Path(path), "run file"), Path(path))
    if complete and document.get("complete") is False:
        raise CliError(f"run file {path} is of an incomplete run ({document.get('incomplete_reason') or 'no reason given'});"
                       " run the whole selection again")
    return document


def _incomplete(document: dict[str, Any], path: str) -> int:
    """Say so when the run was incomplete: exit status 2 after showing what it holds."""
    if document.get("complete") is not False:
        return 0
    print(f"behavetest: error: run file {path} is of an incomplete run "
          f"({document.get('incomplete_reason') or 'no reason given'}): it covers only the tests that ran",
          file=sys.stderr)
    return 2


def cmd_show(args: argparse.Namespace) -> int:
    from ._report.summary import render

    document = load_run(args.run)
    if not document["tests"]:
        print("no behavioral tests ran")
        return _incomplete(document, args.run)
    print(terminal_text(render(document["tests"], details=args.details, slices=args.slices)))
    if document.get("baseline"):
        from ._gate.regression import render_comparison

        print()
        print(terminal_text(render_comparison(document["baseline"], document["baseline"].get("directory", "the baseline"))))
    return _incomplete(document, args.run)


def cmd_diff(args: argparse.Namespace) -> int:
    from ._gate.baseline import load_entries
    from ._gate.regression import check_settings, compare, render_comparison

    try:
        check_settings(args.alpha, args.tolerance, args.correction)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    for path in (args.base, args.new):
        if not Path(path).is_dir():
            document = read_json(Path(path), "file")
            if isinstance(document, dict) and document.get("complete") is False:
                load_run(path, complete=True)
    base, _ = load_entries(Path(args.base), keep_errors=False)
    new, _ = load_entries(Path(args.new), keep_errors=True)
    if not new:
        raise CliError(f"{args.new} has no behavioral results to compare")
    comparison = compare({m: base.get(m) for m in new}, new, alpha=args.alpha, tolerance_pp=args.tolerance,
                         correction=args.correction)
    comparison["directory"] = args.base
    print(terminal_text(render_comparison(comparison, args.base)))
    if args.json:
        write_text_atomic(Path(args.json), dumps(comparison))
    return 1 if comparison["regressions"] else 0


def merge_documents(documents: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """One run document from the shards' documents; refuse on mismatched runs or conflicting results."""
    from ._gate.baseline import result_key
    from ._report.summary import sort_results, summarize

    first_name, first = documents[0]
    for field in ("schema_version", "seed", "behavetest_version"):
        for name, document in documents[1:]:
            if document.get(field) != first.get(field):
                raise CliError(f"cannot merge {first_name} and {name}: different {field} "
                               f"({first.get(field)!r} and {document.get(field)!r}); shards of one run share it")
    tests: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for name, document in documents:
        for t in document["tests"]:
            key = (t["model"], result_key(t))
            if key in tests and tests[key][1] != t:
                raise CliError(f"cannot merge: {tests[key][0]} and {name} both have test {key[1]!r} of model "
                               f"{key[0]!r} with different results")
            tests.setdefault(key, (name, t))
    results = sort_results(t for _, t in tests.values())
    merged = {
        "schema_version": first["schema_version"],
        "behavetest_version": first.get("behavetest_version"),
        "complete": all(d.get("complete") is not False for _, d in documents),
        "incomplete_reason": "; ".join(f"{name}: {d.get('incomplete_reason') or 'incomplete'}"
                                       for name, d in documents if d.get("complete") is False) or None,
        "seed": first.get("seed"),
        "summary": summarize(results),
        "tests": results,
    }
    return merged


def cmd_merge(args: argparse.Namespace) -> int:
    documents = [(path, load_run(path, complete=True)) for path in args.runs]
    merged = merge_documents(documents)
    dropped = sorted({k for _, d in documents for k in d} - set(merged))
    write_text_atomic(Path(args.output), dumps(merged))
    print(f"merged {len(merged['tests'])} behavioral results from {len(documents)} files into {args.output}")
    if dropped:
        print(f"note: not carried over (per shard, recompute from the merged file): {', '.join(dropped)}"
              + (" -- compare with `behavetest diff BASE " + args.output + "`" if "baseline" in dropped else ""))
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    document = load_run(args.run)
    try:
        from ._report.html import render_html
    except ImportError as exc:
        raise CliError(f"the HTML report is not available in this installation ({exc})") from None
    write_text_atomic(Path(args.output), render_html(document))
    print(f"HTML report written to {args.output}")
    return _incomplete(document, args.run)


def _findings(path: str) -> list[dict[str, Any]]:
    document = load_run(path)
    discovery = document.get("discovery")
    if not isinstance(discovery, dict) or not isinstance(discovery.get("findings"), list):
        raise CliError(f"{path} has no weak slices: run pytest with --behave-discover --behave-json {path}")
    return discovery["findings"]


def cmd_slices(args: argparse.Namespace) -> int:
    from ._measure.discover import slice_line

    if args.slices_command == "compare":
        return _compare_slices(args)
    found = _findings(args.run)
    if args.slices_command == "list":
        if not found:
            print("no weak slices")
        for i, f in enumerate(found, 1):
            print(f"{i}. [{f['capability']}] {f['name']} ({f['model']}): {slice_line(f)}")
        return 0
    from ._suites.save_slices import add_slices, slice_name
    from ._errors import BehaveError

    picks = args.pick or list(range(1, len(found) + 1))
    if not found:
        raise CliError(f"{args.run} has no weak slices to save")
    bad = [n for n in picks if not 1 <= n <= len(found)]
    if bad:
        raise CliError(f"no weak slice numbered {bad[0]}; {args.run} has {len(found)} (see `behavetest slices list`)")
    if args.name is not None and len(picks) != 1:
        raise CliError("--name names one slice: pick exactly one with --pick N")
    chosen: dict[str, Any] = {}
    for n in picks:
        name = args.name or slice_name(found[n - 1]["slice"])
        chosen.setdefault(name, found[n - 1]["predicate"])
    path = Path(args.to)
    if not path.is_file():
        raise CliError(f"{path} is not a suite file; give an existing *.behave.yaml file to add the slices to")
    try:
        text = add_slices(path, chosen)
    except BehaveError as exc:
        raise CliError(str(exc)) from None
    write_text_atomic(path, text)
    for name in chosen:
        print(f"slice {name!r} added to {path}")
    return 0


def _compare_slices(args: argparse.Namespace) -> int:
    from ._errors import BehaveError
    from ._measure.slice_compare import compare_slices

    try:
        comparison = compare_slices(load_run(args.before), load_run(args.after), q=args.q)
    except BehaveError as exc:
        raise CliError(str(exc)) from None
    print(comparison)
    if args.json:
        write_text_atomic(Path(args.json), dumps(comparison.to_dict()))
    return 1 if comparison.findings else 0


COMMANDS = {"show": cmd_show, "diff": cmd_diff, "merge": cmd_merge, "html": cmd_html, "slices": cmd_slices}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)  # exits with 2 and "behavetest: error: ..." on bad usage
    try:
        return COMMANDS[args.command](args)
    except (BaselineError, CliError) as exc:
        print(f"behavetest: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"behavetest: error: {exc}", file=sys.stderr)
        return 2
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
        given: list[str] = []
        for key in ("run", "runs", "base", "new"):
            value = getattr(args, key, None)
            given += value if isinstance(value, list) else [value] if value is not None else []
        files = ", ".join(given)
        print(f"behavetest: error: {files}: malformed behavetest file ({type(exc).__name__}: "
              f"{terminal_text(str(exc), one_line=True)})", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
