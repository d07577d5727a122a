"""The catalogue of canned queries: each ``NAME.rq`` file and the header that describes it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib.term import Node

from kg.errors import CatalogueError, InputFileError, KgError, UnknownQueryError
from kg.parameters import KINDS, parse_value

__all__ = ["THEMES", "Catalogue", "Parameter", "QueryFile", "read_query_file"]

# What a question is about, as the list of questions groups them (``# Theme:``), in the
# order the list shows them.
THEMES = ("people", "events", "places", "sources", "dates")

_HEADER_LINE = re.compile(r"#\s*(?P<key>[A-Za-z]+):\s*(?P<value>.*?)\s*")
_PARAMETER = re.compile(
    r"""(?P<name>\S+)\s+(?P<kind>\S+)
        (?:\s+default=(?P<default>"(?:[^"\\]|\\.)*"|\S+))?
        (?:\s+(?P<description>.*))?""",
    re.VERBOSE,
)
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SENTENCE_ITEM = re.compile(r"(?P<first>\d+)(?:\s*[-–]\s*(?P<last>\d+))?")


@dataclass(frozen=True)
class Parameter:
    """One ``# Parameter:`` line: the query refers to it as the variable ``?name``."""

    name: str
    kind: str
    default: Node | None
    default_text: str | None
    description: str


@dataclass(frozen=True)
class QueryFile:
    """A SPARQL query file and what its header says about it."""

    name: str
    path: Path
    text: str
    question: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    sentences: tuple[int, ...]
    # One of THEMES; "" for a file without a ``# Theme:`` line (an ad hoc query).
    theme: str = ""
    # A canned query is answered over what is asserted (every graph but the generated
    # part "inferred", whose types would repeat its rows); an ad hoc query (kg query
    # --file) over every part, so that `?e a crm:E5_Event` answers with no reasoner.
    ad_hoc: bool = False


def read_query_file(path: Path, *, require_question: bool = True) -> QueryFile:
    """Read a query file and parse its header; CatalogueError names ``file:line``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(path, str(error)) from None
    question = ""
    parameters: list[Parameter] = []
    columns: tuple[str, ...] = ()
    sentences: tuple[int, ...] = ()
    theme = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        entry = _HEADER_LINE.fullmatch(line)
        if entry is None:
            continue  # a free comment line
        key, value = entry.group("key").lower(), entry.group("value")
        where = f"{path}:{number}"
        if key == "question":
            question = value
        elif key == "parameter":
            parameter = _parse_parameter(value, where)
            if any(p.name == parameter.name for p in parameters):
                raise CatalogueError(f"{where}: parameter '{parameter.name}' declared twice")
            parameters.append(parameter)
        elif key == "columns":
            columns = tuple(column.strip().lstrip("?") for column in value.split(","))
        elif key == "sentences":
            sentences = _parse_sentences(value, where)
        elif key == "theme":
            theme = _parse_theme(value, where)
    if require_question and not question:
        raise CatalogueError(f"{path}:1: header has no '# Question:' line")
    return QueryFile(
        name=path.stem,
        path=path,
        text=text,
        question=question,
        parameters=tuple(parameters),
        columns=columns,
        sentences=sentences,
        theme=theme,
    )


def _parse_theme(value: str, where: str) -> str:
    theme = value.strip().lower()
    if theme not in THEMES:
        raise CatalogueError(f"{where}: theme {value!r} is not one of {', '.join(THEMES)}")
    return theme


def _parse_parameter(value: str, where: str) -> Parameter:
    match = _PARAMETER.fullmatch(value)
    if match is None:
        raise CatalogueError(f"{where}: expected 'NAME KIND [default=VALUE] DESCRIPTION'")
    name, kind = match.group("name"), match.group("kind")
    if not _VARIABLE_NAME.fullmatch(name):
        raise CatalogueError(f"{where}: parameter name {name!r} is not a SPARQL variable name")
    if kind not in KINDS:
        raise CatalogueError(f"{where}: parameter kind {kind!r} is not one of {', '.join(KINDS)}")
    default_text = match.group("default")
    default: Node | None = None
    if default_text is not None:
        if default_text.startswith('"'):
            default_text = re.sub(r"\\(.)", r"\1", default_text[1:-1])
        try:
            default = parse_value(kind, default_text, name)
        except KgError as error:
            raise CatalogueError(f"{where}: bad default: {error}") from None
    return Parameter(name, kind, default, default_text, match.group("description") or "")


def _parse_sentences(value: str, where: str) -> tuple[int, ...]:
    numbers: list[int] = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        match = _SENTENCE_ITEM.fullmatch(item)
        if match is None:
            raise CatalogueError(f"{where}: sentence {item!r} is not a number or a range")
        first = int(match.group("first"))
        last = int(match.group("last") or first)
        numbers.extend(range(first, last + 1))
    return tuple(numbers)


class Catalogue:
    """The ``*.rq`` files of one directory, by name (the file name without ``.rq``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._queries: dict[str, QueryFile] | None = None

    def _load(self) -> dict[str, QueryFile]:
        if self._queries is None:
            if not self.directory.is_dir():
                raise InputFileError(self.directory, "no such query directory")
            paths = sorted(self.directory.glob("*.rq"), key=lambda path: path.stem)
            self._queries = {path.stem: read_query_file(path) for path in paths}
        return self._queries

    def names(self) -> list[str]:
        return list(self._load())

    def get(self, name: str) -> QueryFile:
        queries = self._load()
        if name not in queries:
            raise UnknownQueryError(name, queries)
        return queries[name]

    def __iter__(self) -> Iterator[QueryFile]:
        return iter(self._load().values())

    def __len__(self) -> int:
        return len(self._load())
