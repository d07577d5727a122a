"""What a user sees when things go wrong: one line ``kg: …`` or nothing, never a traceback.

Where the point is what a real process shows (signals, a closed pipe, a full disk, what
a library logs on stderr) the command runs as ``python -m kg`` in a subprocess; elsewhere
in-process, where any exception other than the exit itself fails the test.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, invoke

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "cli"
TINY_DATA = ["--data", str(FIXTURES / "graph.ttl")]

# The query of the bug report: a cartesian product of the whole graph, four times over.
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }\n"
# The same, counted: Oxigraph computes it in one call that never returns to Python.
CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }\n"
# Endless without data: a COUNT over a cartesian product of VALUES.
VALUES_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?v{i} {{ {' '.join(map(str, range(100)))} }}" for i in range(6))
    + " }\n"
)
EXIT_TIMEOUT = 4
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def _kg_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "kg", *map(str, args)]


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def _run(*args: str | Path, **options: object) -> subprocess.CompletedProcess[str]:
    settings: dict[str, object] = {"capture_output": True, "text": True, "timeout": 120}
    settings.update(options)
    return subprocess.run(_kg_command(*args), env=_environment(), **settings)  # type: ignore[call-overload]


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; any still running at the end is killed (by its PID)."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def _start(processes: list[subprocess.Popen[str]], *args: str | Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        _kg_command(*args),
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As from a terminal: a test run started in the background (a shell's `cmd &`)
        # would otherwise pass on SIGINT ignored, and no Ctrl-C would reach kg.
        preexec_fn=_default_sigint,
    )
    processes.append(process)
    return process


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for(condition: object, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.005)


def _interrupt(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=5)  # bounded wait for the exit, not a speed test
    return process.returncode, out, err


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


# --- item 9: Ctrl-C and --timeout stop a query that never ends ------------------------------


@needs_proc
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_ctrl_c_stops_an_endless_query(
    engine: str, tmp_path: Path, started: list[subprocess.Popen[str]]
) -> None:
    endless = tmp_path / "endless.rq"
    endless.write_text(VALUES_COUNT, encoding="utf-8")
    process = _start(started, "query", "--file", endless, "--engine", engine, *TINY_DATA)
    # Start-up and the tiny graph take well under a CPU second; past 1.5 the query runs.
    _wait_for(lambda: process.poll() is not None or _cpu_seconds(process.pid) > 1.5, "the query")
    code, out, err = _interrupt(process)
    assert code == EXIT_INTERRUPTED, err
    assert "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize(
    ("engine", "query"),
    [("oxigraph", CARTESIAN), ("oxigraph", CARTESIAN_COUNT), ("rdflib", CARTESIAN_COUNT)],
)
def test_timeout_stops_an_endless_query(engine: str, query: str, tmp_path: Path) -> None:
    endless = tmp_path / "endless.rq"
    endless.write_text(query, encoding="utf-8")
    done = _run("query", "--file", endless, "--engine", engine, "--timeout", "1")
    assert done.returncode == EXIT_TIMEOUT, done.stderr
    assert_one_line_error(done.stderr, "the query ran past --timeout (1 s) and was stopped")
    assert done.stdout == ""


def test_timeout_leaves_a_quick_query_alone() -> None:
    code, out, _ = invoke("query", "alliances", "--timeout", "60")
    assert code == 0
    assert "Avars" in out


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon", ""])
def test_timeout_refuses_what_is_not_a_number_of_seconds(value: str) -> None:
    code, _, err = invoke("query", "alliances", "--timeout", value)
    assert code == 2
    assert "Invalid value for '--timeout'" in err


# --- item 10: one line, or nothing, where a traceback used to be ----------------------------


@needs_proc
@pytest.mark.parametrize("entry_point", ["python -m kg", "kg"])
def test_ctrl_c_during_start_up_exits_130(
    entry_point: str, tmp_path: Path, started: list[subprocess.Popen[str]]
) -> None:
    endless = tmp_path / "endless.rq"
    endless.write_text(VALUES_COUNT, encoding="utf-8")
    args = ["query", "--file", str(endless), *TINY_DATA]
    if entry_point == "kg":
        script = Path(sys.executable).parent / "kg"
        if not script.exists():
            pytest.skip("the kg console script is not installed beside this interpreter")
        process = subprocess.Popen(
            [str(script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_default_sigint,
        )
        started.append(process)
    else:
        process = _start(started, *args)
    maps = Path(f"/proc/{process.pid}/maps")

    # pyoxigraph is loaded by kg.cli's imports (between click's and rdflib's), so this is
    # a moment in the middle of the start-up.
    def importing() -> bool:
        try:
            return process.poll() is not None or "pyoxigraph" in maps.read_text()
        except (FileNotFoundError, ProcessLookupError):
            return True

    _wait_for(importing, "kg.cli's imports")
    code, _, err = _interrupt(process)
    assert code == EXIT_INTERRUPTED, err
    assert "Traceback" not in err


def test_closed_pipe_ends_quietly_with_141() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first byte (`kg … | head -0`)
    try:
        done = _run(
            "query", "--all", stdout=write_end, capture_output=False, stderr=subprocess.PIPE
        )
    finally:
        os.close(write_end)
    assert done.returncode == EXIT_BROKEN_PIPE
    assert done.stderr == ""


needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")


@needs_dev_full
@pytest.mark.parametrize(
    "args", [["query", "--all"], ["query", "alliances"], ["export"], ["stats"], ["context"]]
)
def test_full_disk_on_standard_output_is_one_line(args: list[str]) -> None:
    with open("/dev/full", "w") as full:  # noqa: PTH123 (a device, not a path to build)
        done = _run(*args, stdout=full, capture_output=False, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert_one_line_error(done.stderr, "cannot write the output: No space left on device")


def test_validate_reports_each_ill_typed_literal_once_with_its_position(tmp_path: Path) -> None:
    data = tmp_path / "bad.ttl"
    data.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix ex: <http://example.org/> .\n"
        'ex:a ex:count "abc"^^xsd:integer .\n'
        'ex:b ex:day   "2020-13-45"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
        encoding="utf-8",
    )
    done = _run("validate", data)
    assert done.returncode == 1
    assert done.stderr == ""  # rdflib's warnings, each with a traceback, used to land here
    assert done.stdout.count(f'{data}:3:15: "abc" is not a valid xsd:integer') == 1
    assert done.stdout.count(f'{data}:4:15: "2020-13-45" is not a valid xsd:date') == 1


def test_validate_places_an_ill_typed_literal_that_a_shape_reports(tmp_path: Path) -> None:
    from kg.validation import validate

    shapes = Path(__file__).parent / "shapes"
    data = shapes / "S04-invalid-05.ttl"  # sg:gregorianDate "0626-07-34"^^xsd:date, line 27
    report = validate(data_paths=[shapes / "context.ttl", data], qc_dir=tmp_path)
    about = [
        v for v in report.violations if v.focus_node == "id:date-with-ill-formed-gregorian-date"
    ]
    assert [v.constraint for v in about] == ["sh:DatatypeConstraintComponent"]  # once
    assert about[0].message.startswith(f"{data}:27:22: ")


def test_rdflib_failing_on_group_concat_distinct_is_one_line(tmp_path: Path) -> None:
    query = tmp_path / "concat.rq"
    query.write_text(
        "SELECT (GROUP_CONCAT(DISTINCT ?x) AS ?g) "
        "WHERE { OPTIONAL { ?s <http://example.org/nothing> ?x } }\n",
        encoding="utf-8",
    )
    code, _, err = invoke("query", "--engine", "rdflib", "--file", str(query), *TINY_DATA)
    assert code == 2
    assert_one_line_error(err, f"{query}: rdflib's SPARQL engine failed on this query")
    # Oxigraph answers the same query.
    code, out, _ = invoke("query", "--file", str(query), *TINY_DATA)
    assert code == 0
    assert "(1 row)" in out


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?x WHERE { BIND(<urn:f>(1) AS ?x) }\n",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY <urn:f>(?o)\n",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(<urn:f>(?o)) }\n",
    ],
)
def test_a_query_oxigraph_cannot_evaluate_is_one_line_and_exit_2(
    query: str, tmp_path: Path
) -> None:
    path = tmp_path / "unknown-function.rq"
    path.write_text(query, encoding="utf-8")
    code, _, err = invoke("query", "--file", str(path), *TINY_DATA)
    assert code == 2
    assert_one_line_error(err, f"{path}: the query cannot be evaluated: ")
    assert "<urn:f>" in err  # the engine's own reason


# --- every subcommand, hostile input ---------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Files a user might hand over by mistake, by name."""
    directory = tmp_path_factory.mktemp("hostile")
    files = {
        "garbage": (directory / "garbage.bin", bytes(range(256)) * 8),
        "malformed": (directory / "malformed.ttl", b'@prefix : <http://e/> .\n:a :b "open .\n'),
        "empty": (directory / "empty.ttl", b""),
        "latin1": (directory / "latin1.rq", "SELECT ?é WHERE {}".encode("latin-1")),
        "update": (directory / "update.rq", b"DROP ALL"),
        "regular": (directory / "regular-file", b"not a directory"),
    }
    for path, content in files.values():
        path.write_bytes(content)
    names = {name: str(path) for name, (path, _) in files.items()}
    names["missing"] = str(directory / "missing.ttl")
    names["dir"] = str(directory)
    return names


HUGE = "9" * 5000
# No NUL: no command line can hold one (argv strings end at it).
CONTROL = "a\x01b\x1b[31mc\x07\n"

# Each case: the arguments, with {name} for a hostile file. All of them are bad input.
HOSTILE_CASES = [
    ["bogus-command"],
    ["--bogus-option"],
    ["validate", "{missing}"],
    ["validate", "{garbage}"],
    ["validate", "{malformed}"],
    ["validate", "{dir}"],
    ["validate", ""],
    ["validate", CONTROL],
    ["validate", "--shapes", "{garbage}"],
    ["validate", "--shapes", "{missing}"],
    ["validate", "--ontology", "{malformed}"],
    ["validate", "--links", "{garbage}"],
    ["validate", "--checks", "{regular}"],
    ["validate", "--checks", "{missing}"],
    ["query"],
    ["query", ""],
    ["query", CONTROL],
    ["query", "no-such-query"],
    ["query", "alliances", "--param", f"x={CONTROL}"],
    ["query", "facts-stated-by-line", "--param", f"line={HUGE}"],
    ["query", "facts-stated-by-line", "--param", "line=-" + HUGE],
    ["query", "facts-stated-by-line", "--param", "line="],
    ["query", "events-on-date", "--param", "date=0626-13-45"],
    ["query", "defence-leaders-of-place", "--param", "place=<javascript:alert(1)> }"],
    ["query", "alliances", "--param", "="],
    ["query", "--file", "{missing}"],
    ["query", "--file", "{garbage}"],
    ["query", "--file", "{latin1}"],
    ["query", "--file", "{update}"],
    ["query", "--file", "{dir}"],
    ["query", "--file", "{empty}"],
    ["query", "alliances", "--data", "{garbage}"],
    ["query", "alliances", "--data", "{malformed}"],
    ["query", "alliances", "--data", "{missing}"],
    ["query", "--list", "--queries", "{regular}"],
    ["query", "--all", "--queries", "{missing}", "--data", "{empty}"],
    ["query", "alliances", "--format", "xml"],
    ["query", "alliances", "--engine", "jena"],
    ["query", "alliances", "--timeout", HUGE + "e999"],
    ["query", "alliances", "--endpoint", ""],
    ["query", "alliances", "--endpoint", "ftp://example.org/"],
    ["query", "alliances", "--endpoint", "http://127.0.0.1:1", "--store", "oxigraph"],
    ["query", "alliances", "--endpoint", "http://[::1", "--store", "oxigraph"],
    ["query", "alliances", "--store", "oxigraph"],
    ["export", "--format", "xml"],
    ["export", "--part", ""],
    ["export", "--part", CONTROL],
    ["export", "--out", "{dir}"],
    ["export", "--out", "{regular}/x.ttl"],
    ["stats", "--format", "yaml"],
    ["stats", "--part", "nothing"],
    ["context", "--out", "{missing}/c.jsonld"],
    ["infer", "--out", "{missing}/inferred.ttl"],
    ["infer", "--out", "{dir}"],
    ["release", "--out", "{regular}", "--no-docs"],
    ["site", "--out", "{regular}", "--base-url", "https://example.org/"],
    ["site", "--out", "{dir}", "--base-url", "https://example.org/", "--force"],
    ["site", "--out", "{missing}/site", "--base-url", "https://example.org/"],
    ["site", "--out", "{missing}", "--base-url", CONTROL],
    ["site", "--out", "{missing}", "--base-url", "https://example.org/a/"],
    ["load"],
    ["load", "--endpoint", ""],
    ["load", "--endpoint", "not a url"],
    ["load", "--endpoint", "http://127.0.0.1:1", "--store", "nothing"],
    ["load", "--endpoint", "http://127.0.0.1:1", "--store", "oxigraph"],
    ["load", "--endpoint", "http://127.0.0.1:1", "--parts", CONTROL],
    ["load", "--endpoint", "http://127.0.0.1:1", "--user", "u", "--password-env", "KG_NO_SUCH"],
    ["load", "--endpoint", "http://127.0.0.1:1", "--store", "oxigraph", "--read-timeout", "nan"],
    ["query", "alliances", "--timeout", "inf"],
    ["validate", "--timeout", "nan"],
    ["validate", "--timeout", "0"],
]

# kg serve runs until interrupted when it accepts its options, so these run as processes
# that are stopped if they start serving.
SERVE_CASES = [
    ["serve", "--host", "not-a-host.."],
    ["serve", "--host", ""],
    ["serve", "--host", CONTROL],
    ["serve", "--port", HUGE],
    ["serve", "--port", "0"],
    ["serve", "--workers", "-1"],
    ["serve", "--max-result-bytes", "-" + HUGE],
    ["serve", "--dist", "{regular}"],
    ["serve", "--time-limit", "nan"],
    ["serve", "--time-limit", "inf"],
    ["serve", "--base-url", "https://example.org/\t"],
    ["serve", "--base-url", "https://exa\nmple.org/"],
]


def _fill(args: list[str], files: dict[str, str]) -> list[str]:
    return [arg.format(**files) if "{" in arg and "}" in arg else arg for arg in args]


@pytest.mark.parametrize("args", HOSTILE_CASES, ids=lambda args: " ".join(args)[:60])
def test_every_subcommand_refuses_hostile_input_in_one_line(
    args: list[str], hostile: dict[str, str]
) -> None:
    # invoke() raises any exception other than the exit: a traceback fails the test.
    code, out, err = invoke(*_fill(args, hostile), env={"KG_NO_SUCH": ""})
    assert code != 0, out
    assert "Traceback" not in out + err
    if err.startswith("kg: "):
        assert err.count("\n") == 1, err


@pytest.mark.parametrize("args", SERVE_CASES, ids=lambda args: " ".join(args)[:60])
def test_serve_refuses_hostile_options_in_one_line(
    args: list[str], hostile: dict[str, str], started: list[subprocess.Popen[str]]
) -> None:
    port = _free_port()
    process = _start(
        started, *_fill(args, hostile), *(["--port", str(port)] if "--port" not in args else [])
    )
    assert process.stderr is not None
    first_line = process.stderr.readline()  # the server announces itself first
    if first_line.startswith("kg serve: http"):
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
        pytest.fail(f"kg {' '.join(args)!r} started serving")
    _, rest = process.communicate(timeout=60)
    err = first_line + rest
    assert process.returncode == 2, err
    assert "Traceback" not in err
    if err.startswith("kg: "):
        assert err.count("\n") == 1, err


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_every_subcommand_is_covered() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    listed = {line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()}
    covered = {args[0] for args in HOSTILE_CASES} | {"serve"}
    assert listed <= covered, f"no hostile case for {sorted(listed - covered)}"


@needs_dev_full
@pytest.mark.parametrize(
    "args",
    [
        ["query", "alliances", "--timeout", "nan"],
        ["validate", "--checks", "{regular}"],
        ["export", "--format", "nquads"],
    ],
    ids=lambda args: " ".join(args),
)
def test_hostile_input_as_a_user_sees_it(args: list[str], hostile: dict[str, str]) -> None:
    # A real process, its output on a full disk: what reaches the terminal is all there is.
    with open("/dev/full", "w") as full:  # noqa: PTH123
        done = _run(
            *_fill(args, hostile), stdout=full, capture_output=False, stderr=subprocess.PIPE
        )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("kg: ") or "Error: Invalid value" in done.stderr, done.stderr


# --- values past the interpreter's limits, shapes and checks that cannot run --------------

SHAPES_HEAD = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    "@prefix ex: <http://example.org/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)
SMALL_DATA = '@prefix ex: <http://example.org/> .\nex:a ex:n "x" .\n'


def _written(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_validate_answers_for_integers_longer_than_python_converts(tmp_path: Path) -> None:
    # Valid XML Schema: an xsd:integer, and a year, may have any number of digits; Python
    # refuses to convert more than 4300 of them.
    data = _written(
        tmp_path / "long.ttl",
        "@prefix ex: <http://example.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f'ex:a ex:n {HUGE} .\nex:b ex:day "{HUGE}-01-01"^^xsd:date .\n',
    )
    for engine in ("oxigraph", "pyshacl"):
        code, out, err = invoke("validate", data, "--engine", engine, "--checks", str(tmp_path))
        assert code == 0, out + err
        assert out.startswith("conforms: 2 data triples"), out


def test_shapes_with_an_integer_longer_than_python_converts_are_one_line(tmp_path: Path) -> None:
    shapes = _written(
        tmp_path / "shapes.ttl",
        SHAPES_HEAD + "ex:S sh:targetSubjectsOf ex:n ; "
        f"sh:property [ sh:path ex:n ; sh:maxCount {HUGE} ] .\n",
    )
    data = _written(tmp_path / "data.ttl", SMALL_DATA)
    code, _, err = invoke("validate", data, "--shapes", shapes)
    assert code == 2
    assert_one_line_error(err, f"{shapes}: rdflib cannot read a value (Exceeds the limit")


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize(
    ("constraint", "where"),
    [
        ('sh:sparql [ sh:select "SELECT $this WHERE { ( " ]', "ex:S (sh:select)"),
        (
            'sh:rule [ a sh:SPARQLRule ; sh:construct "CONSTRUCT { $this ex:p 1 } WHERE { ( " ]',
            "ex:S (sh:construct)",
        ),
    ],
    ids=["sh:select", "SPARQL rule"],
)
def test_shapes_whose_query_does_not_parse_are_one_line(
    engine: str, constraint: str, where: str, tmp_path: Path
) -> None:
    shapes = _written(
        tmp_path / "shapes.ttl", SHAPES_HEAD + f"ex:S sh:targetSubjectsOf ex:n ; {constraint} .\n"
    )
    data = _written(tmp_path / "data.ttl", SMALL_DATA)
    code, _, err = invoke("validate", data, "--shapes", shapes, "--engine", engine)
    assert code == 2
    # Read before either engine runs, by the guard that reads every SPARQL text of the shapes.
    assert_one_line_error(err, f"shapes: {where}: the query does not parse: ")


def test_a_check_that_cannot_be_evaluated_is_one_line(tmp_path: Path) -> None:
    checks = tmp_path / "checks"
    checks.mkdir()
    check = _written(
        checks / "unknown-function-violation.rq",
        "# Question: Which nodes does an unknown function pick?\n"
        "# Columns: x\n"
        "SELECT ?x WHERE { BIND(<urn:no-such-function>(1) AS ?x) }\n",
    )
    data = _written(tmp_path / "data.ttl", SMALL_DATA)
    code, _, err = invoke("validate", data, "--checks", str(checks))
    assert code == 2
    assert_one_line_error(err, f"{check}: the check cannot be evaluated (")


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        # Past the bound of bracket depth, refused before rdflib's parser descends.
        (
            "SELECT * WHERE { " + "{ " * 100 + "?s ?p ?o" + " }" * 100 + " }\n",
            "the query nests too deeply: 101 levels of brackets",
        ),
        # 500 UNIONs parse, and then rdflib's evaluator descends once per UNION.
        (
            "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 500) + " }\n",
            "the query nests too deeply for rdflib's SPARQL engine",
        ),
    ],
    ids=["nested groups", "a long UNION"],
)
def test_rdflib_on_a_deeply_nested_query_is_one_line(
    query: str, reason: str, tmp_path: Path
) -> None:
    path = _written(tmp_path / "deep.rq", query)
    code, _, err = invoke("query", "--engine", "rdflib", "--file", path, *TINY_DATA)
    assert code == 2
    assert_one_line_error(err, f"{path}: {reason}")


@needs_dev_full
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["validate", "--help"]])
def test_help_on_a_full_device_is_one_line(args: list[str]) -> None:
    with open("/dev/full", "w") as full:  # noqa: PTH123 (a device, not a path to build)
        done = _run(*args, stdout=full, capture_output=False, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert_one_line_error(done.stderr, "cannot write the output: No space left on device")


@pytest.mark.parametrize(
    "url", ["https://exa\tmple.org/", "https://example.org/\n", "https://example.org\r/"]
)
def test_site_refuses_whitespace_in_the_base_url(url: str, tmp_path: Path) -> None:
    # urlsplit drops tabs and newlines, so the URL it checked was not the text written.
    code, _, err = invoke("site", "--out", str(tmp_path / "site"), "--base-url", url)
    assert code == 2
    assert_one_line_error(err, f"--base-url {url!r}: holds")
    assert not (tmp_path / "site").exists()


# --- patterns, and a validation stopped by --timeout ---------------------------------------


def test_a_catastrophic_pattern_is_matched_in_linear_time(tmp_path: Path) -> None:
    # Python's re would backtrack 2**40 times on ^(a+)+$ against forty a's and a b. The
    # default engine hands these data to pyshacl ("7.0" is kept by the store as 7), so both
    # engines' paths meet the pattern; the subprocess's timeout is the bound of a hang.
    shapes = _written(
        tmp_path / "shapes.ttl",
        SHAPES_HEAD + 'ex:S sh:targetSubjectsOf ex:n ; sh:property [ sh:path ex:n ; '
        'sh:pattern "^(a+)+$" ] .\n',
    )
    data = _written(
        tmp_path / "data.ttl",
        "@prefix ex: <http://example.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f'ex:a ex:n "{"a" * 40}b" .\nex:b ex:m "7.0"^^xsd:decimal .\n',
    )
    for engine in ("oxigraph", "pyshacl"):
        done = _run("validate", data, "--shapes", shapes, "--checks", tmp_path, "--engine", engine)
        assert done.returncode == 1, done.stderr
        assert "1. Violation: ex:a" in done.stdout
        assert "sh:PatternConstraintComponent" in done.stdout
        if engine == "oxigraph":
            assert done.stderr.startswith("kg validate: SHACL by pyshacl, because the store")


def test_validate_timeout_stops_the_validation(tmp_path: Path) -> None:
    # A quality check Oxigraph evaluates without coming back to Python, for ever: the
    # process must end, not wait for it.
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "endless-violation.rq").write_text(
        "# Question: Endless?\n# Columns: n\n" + VALUES_COUNT, encoding="utf-8"
    )
    data = _written(tmp_path / "data.ttl", SMALL_DATA)
    done = _run("validate", data, "--checks", checks, "--timeout", "1")
    assert done.returncode == EXIT_TIMEOUT, done.stderr
    assert_one_line_error(done.stderr, "the validation ran past --timeout (1 s) and was stopped")
    assert done.stdout == ""

DEEP = 10_000


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?x WHERE { BIND(" + "(" * DEEP + "1" + ")" * DEEP + " AS ?x) }\n",
        "SELECT * WHERE " + "{" * DEEP + "?s ?p ?o" + "}" * DEEP + "\n",
        "SELECT * WHERE { ?s ?p " + "[ ?p " * DEEP + "?o" + " ]" * DEEP + " }\n",
    ],
    ids=["brackets", "groups", "blank-nodes"],
)
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_deep_nesting_is_refused_in_one_line_not_a_crash(
    query: str, engine: str, tmp_path: Path
) -> None:
    # In a real process: the parsers' recursion overflowed the stack (exit 139).
    deep = tmp_path / "deep.rq"
    deep.write_text(query)
    run = _run("query", "--engine", engine, "--file", deep, *TINY_DATA)
    assert run.returncode == 2, (run.returncode, run.stderr[-300:])
    assert_one_line_error(run.stderr, f"{deep}: the query nests too deeply: ")


# Oxigraph recurses once per operand of a flat chain: on a main thread's 8 MB of stack,
# 8,000 terms ended the process (exit 139); a group of 20,000 triple patterns did too.
LONG_CHAIN = "SELECT (1" + " + 1" * 8_000 + " AS ?x) WHERE {}\n"


def test_a_long_flat_chain_is_answered_not_a_crash(tmp_path: Path) -> None:
    # In a real process: a stack overflow ends it, whatever Python would catch.
    chain = tmp_path / "chain.rq"
    chain.write_text(LONG_CHAIN)
    run = _run("query", "--file", chain, "--format", "csv", *TINY_DATA)
    assert run.returncode == 0, (run.returncode, run.stderr[-300:])
    assert run.stdout.split() == ["x", "8001"]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_thirty_nested_groups_and_brackets_are_answered(engine: str, tmp_path: Path) -> None:
    nested = tmp_path / "nested.rq"
    nested.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE "
        + "{" * 30
        + "?s ?p ?o FILTER("
        + "(" * 30
        + "true"
        + ")" * 31
        + "}" * 30
        + "\n"
    )
    code, out, err = invoke("query", "--engine", engine, "--file", str(nested), *TINY_DATA)
    assert (code, err) == (0, ""), err
    assert "n" in out.splitlines()[0]


def test_a_deeply_nested_sparql_constraint_is_refused_in_one_line(tmp_path: Path) -> None:
    # In a real process: the shapes' SPARQL overflowed a parser's stack (a segfault).
    query = "SELECT $this WHERE { $this ?p ?o FILTER(" + "(" * DEEP + "true" + ")" * DEEP + ") }"
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:Deep a sh:NodeShape ; sh:targetSubjectsOf ex:p ;\n"
        f'    sh:sparql [ sh:select "{query}" ] .\n'
    )
    validation = FIXTURES / "validation"
    run = _run(
        "validate",
        validation / "valid.ttl",
        "--ontology",
        validation / "ontology.ttl",
        "--shapes",
        shapes,
        "--checks",
        validation / "qc",
    )
    assert run.returncode == 2, (run.returncode, run.stderr[-300:])
    assert_one_line_error(run.stderr, "shapes: ex:Deep (sh:select): the query nests too deeply")
