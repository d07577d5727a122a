"""Hypothesis strategies for shapes graphs and data graphs, written as Turtle.

A :class:`Case` is a shapes graph and a data graph over one small vocabulary (nodes
``ex:a`` to ``ex:d`` and two blank nodes, classes ``ex:C``, ``ex:D`` and ``ex:E`` (a
subclass of ``ex:C`` where the data says so), predicates ``ex:p``, ``ex:q`` and ``ex:r``,
and a pool of literals), so that shapes and data meet often.

The shapes are composed from the SHACL Core constraint components, targets of every kind
(an implicit class target included), paths of every kind, severities, ``sh:deactivated``
and SHACL-SPARQL constraints whose ``$this`` stands in every position the spec's
pre-binding reaches: a triple pattern, a FILTER in an inner group, a BIND before any
triple pattern, a subquery, EXISTS and NOT EXISTS, OPTIONAL. Every shape is named
(``ex:S1``…), so that a result's source shape says which one it is.

Left out on purpose, where pyshacl 0.40.1 answers other than the spec (the W3C suite
shows each): ``sh:uniqueLang`` written other than ``true`` (core/property/uniqueLang-002),
``$shapesGraph`` (sparql/pre-binding/shapesGraph-001) and ``sh:prefixes`` reached through
``owl:imports`` (sparql/node/prefixes-001): the queries name their IRIs in full. sh:flags
other than ``i`` are left out too: pyshacl reads only ``i`` and ``m``. Shapes the spec
calls ill-formed (sh:minCount on a node shape, a recursive shape) are not made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from hypothesis import strategies as st

__all__ = ["PREFIXES", "Case", "cases", "cases_for_jena", "data_graphs", "shapes_graphs"]

EX = "http://example.org/"
PREFIXES = f"""\
@prefix ex: <{EX}> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@dataclass(frozen=True)
class Case:
    """One shapes graph and one data graph, each a Turtle text without its prefixes."""

    shapes: str
    data: str

    def shapes_turtle(self) -> str:
        return PREFIXES + self.shapes

    def data_turtle(self) -> str:
        return PREFIXES + self.data

    def __repr__(self) -> str:
        # How hypothesis shows a failing example: ready to paste into a regression test.
        return f"Case(\nshapes='''\n{self.shapes}''',\ndata='''\n{self.data}''')"


# -- data ------------------------------------------------------------------------------

NODES = ("ex:a", "ex:b", "ex:c", "ex:d")
BLANKS = ("_:x", "_:y")
CLASSES = ("ex:C", "ex:D", "ex:E")
PREDICATES = ("ex:p", "ex:q", "ex:r")
# Written in the store's canonical form, so that the fast engine answers (a literal the
# store would rewrite hands the data to pyshacl), except the one ill-typed integer.
LITERALS = (
    "1",
    "2",
    "10",
    "-3",
    "2.5",
    '"abc"',
    '"ABC"',
    '"a1"',
    '""',
    '"abc"@en',
    '"abd"@en',
    '"abc"@en-GB',
    '"xyz"@fr',
    # No boolean: pyshacl 0.40.1 orders true among numbers (Python's True == 1), where
    # SHACL's comparison fails and gives a result (SHACL 4.3);
    # test_a_boolean_is_not_in_a_numeric_range pins the answer.
    '"2020-01-01"^^xsd:date',
    '"oops"^^xsd:integer',
)
SUBJECTS = NODES + BLANKS
OBJECTS = NODES + BLANKS + LITERALS


@st.composite
def data_graphs(draw: st.DrawFn) -> str:
    """A data graph: some typed nodes, some edges between nodes and literals."""
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append("ex:E rdfs:subClassOf ex:C .")
    typed = draw(
        st.lists(st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(CLASSES)), max_size=5)
    )
    lines += [f"{node} a {cls} ." for node, cls in typed]
    edges = draw(
        st.lists(
            st.tuples(
                st.sampled_from(SUBJECTS), st.sampled_from(PREDICATES), st.sampled_from(OBJECTS)
            ),
            max_size=12,
        )
    )
    lines += [f"{s} {p} {o} ." for s, p, o in edges]
    return "".join(f"{line}\n" for line in dict.fromkeys(lines))


# -- paths -----------------------------------------------------------------------------

predicates = st.sampled_from(PREDICATES)


def paths(depth: int = 2) -> st.SearchStrategy[str]:
    """A SHACL path: a predicate, or an inverse, sequence, alternative or repeated path."""
    if depth == 0:
        return predicates
    inner = paths(depth - 1)
    return st.one_of(
        predicates,
        inner.map(lambda p: f"[ sh:inversePath {p} ]"),
        st.tuples(inner, inner).map(lambda ps: f"( {ps[0]} {ps[1]} )"),
        # Two alternatives: Jena writes three as the alternative of two and one.
        st.tuples(inner, inner).map(lambda ps: f"[ sh:alternativePath ( {ps[0]} {ps[1]} ) ]"),
        st.tuples(
            st.sampled_from(("sh:zeroOrMorePath", "sh:oneOrMorePath", "sh:zeroOrOnePath")),
            inner,
        ).map(lambda kp: f"[ {kp[0]} {kp[1]} ]"),
    )


# -- SPARQL constraints ----------------------------------------------------------------

P = {name: f"<{EX}{name[3:]}>" for name in PREDICATES}
_IRI = {node: f"<{EX}{node[3:]}>" for node in NODES}

# $this in each position the spec's pre-binding reaches. {p} and {q} are predicates,
# {n} a node; {path} is ``$PATH`` in a property shape, a predicate in a node shape.
SPARQL_TEMPLATES = {
    "triple pattern": (
        "SELECT $this ?value WHERE {{ $this {path} ?value . FILTER(isLiteral(?value)) }}"
    ),
    "triple pattern, two solutions a value": (
        "SELECT $this ?value WHERE {{ $this {path} ?value . ?value {q} ?other . }}"
    ),
    "FILTER in an inner group": (
        "SELECT $this ?value WHERE {{ $this {path} ?value . {{ FILTER(isIRI($this)) }} }}"
    ),
    "FILTER alone in inner groups": (
        "SELECT $this WHERE {{ {{ {{ FILTER($this = {n}) }} FILTER(bound($this)) }} }}"
    ),
    "FILTER in an inner group before the triple pattern": (
        "SELECT $this WHERE {{ {{ FILTER(bound($this)) }} $this {p} ?any . }}"
    ),
    "BIND first": "SELECT $this ?value WHERE {{ BIND($this AS ?that) ?that {path} ?value . }}",
    "BIND first, FILTER after": (
        "SELECT $this WHERE {{ BIND($this AS ?that) FILTER(?that = {n}) }}"
    ),
    "subquery": (
        "SELECT $this ?value WHERE {{ {{ SELECT $this ?value WHERE {{ $this {path} ?value }} }} "
        "FILTER(isIRI(?value)) }}"
    ),
    "subquery of a FILTER alone": (
        "SELECT $this WHERE {{ {{ SELECT $this WHERE {{ FILTER($this = {n}) }} }} }}"
    ),
    "NOT EXISTS alone": "SELECT $this WHERE {{ FILTER NOT EXISTS {{ $this {path} ?any }} }}",
    "EXISTS": (
        "SELECT $this ?value WHERE {{ $this {path} ?value . FILTER EXISTS {{ ?value {q} $this }} }}"
    ),
    "OPTIONAL first": (
        "SELECT $this ?value WHERE {{ OPTIONAL {{ $this {p} ?value }} FILTER(!bound(?value)) }}"
    ),
    "OPTIONAL after": (
        "SELECT $this ?value WHERE {{ $this {path} ?value . OPTIONAL {{ ?value {q} ?w }} "
        "FILTER(!bound(?w)) }}"
    ),
}


# Where the default engine is known to answer wrongly and the fix is under way, each
# named by the regression test of tests/shacl/test_differential_shapes.py that waits for
# it (a strict expected failure). Remove an entry when its test passes.
# What Jena SHACL 4.5 answers against the spec, in a property shape; each kind named by the
# test that pins the spec's answer on the default engine.
JENA_ERRORS = {
    # sh:closed checked on the focus node's own triples; SHACL 4.8.1 checks the value nodes.
    "closed": "test_closed_in_a_property_shape_checks_the_value_nodes",
    # A property shape below a property shape applied to the parent's focus nodes, not to
    # its value nodes (SHACL 2.3.2).
    "property": "test_a_property_shape_below_a_property_shape_takes_the_value_nodes",
}

AWAITING_FIX = {
    # The reference here, pyshacl on rdflib, pre-binds $this by substitution; SHACL pre-binds
    # by Values Insertion, a join: on a $PATH that can be empty, at a focus node the data
    # never mention, the two differ. test_sparql_path_that_can_be_empty pins SHACL's answer.
    "SPARQL on a path that can be empty": "test_sparql_path_that_can_be_empty",
}


@st.composite
def sparql_constraints(draw: st.DrawFn, property_shape: bool) -> str:
    template = draw(
        st.sampled_from(sorted(name for name in SPARQL_TEMPLATES if name not in AWAITING_FIX))
    )
    p, q = draw(predicates), draw(predicates)
    query = SPARQL_TEMPLATES[template].format(
        p=P[p],
        q=P[q],
        n=_IRI[draw(st.sampled_from(NODES))],
        path="$PATH" if property_shape else P[p],
    )
    return f'sh:sparql [ sh:select """{query}""" ]'


# -- shapes ----------------------------------------------------------------------------


@dataclass
class ShapesText:
    """The shapes graph being written: one subject block per shape."""

    blocks: list[str] = field(default_factory=list)
    numbers: count = field(default_factory=lambda: count(1))
    # Leave out what Jena SHACL 4.5 gets wrong by the spec (JENA_ERRORS).
    for_jena: bool = False

    def name(self) -> str:
        return f"ex:S{next(self.numbers)}"

    def text(self) -> str:
        return "".join(f"{block}\n" for block in self.blocks)


VALUES = NODES + LITERALS  # for sh:hasValue and sh:in
DATATYPES = (
    "xsd:integer",
    "xsd:string",
    "rdf:langString",
    "xsd:decimal",
    "xsd:boolean",
    "xsd:date",
)
NODE_KINDS = tuple(
    f"sh:{kind}"
    for kind in "IRI BlankNode Literal BlankNodeOrIRI BlankNodeOrLiteral IRIOrLiteral".split()
)
# No xsd:date bound: pyshacl 0.40.1 lets a number pass sh:minInclusive of a date, where
# the comparison fails and gives a result (SHACL 4.3.3);
# test_a_number_is_not_in_the_range_of_a_date pins the answer.
BOUNDS = ("1", "2", "2.5", '"abc"')
PATTERNS = ("^a", "b", "^[0-9]+$", "C", "^$")
RANGES = ("sh:minInclusive", "sh:minExclusive", "sh:maxInclusive", "sh:maxExclusive")
PAIRS = ("sh:equals", "sh:disjoint", "sh:lessThan", "sh:lessThanOrEquals")
# Components only a property shape may have (SHACL 4: sh:minCount … "node shapes cannot
# have"), and those that refer to further shapes (drawn only while depth remains).
PROPERTY_ONLY = {"minCount", "maxCount", "uniqueLang", "qualified", "lessThan"}
NESTING = {"not", "and", "or", "xone", "node", "property", "qualified"}
COMPONENTS = (
    "class datatype nodeKind minCount maxCount range length pattern languageIn uniqueLang "
    "equalsOrDisjoint lessThan not and or xone node property qualified closed hasValue in "
    "sparql"
).split()


def _list(items: list[str]) -> str:
    return f"( {' '.join(items)} )"


@st.composite
def constraint(draw: st.DrawFn, text: ShapesText, kind: str, prop: bool, depth: int) -> str:
    """The Turtle of one constraint (predicate-object pairs) of a shape."""
    if kind == "class":
        return f"sh:class {draw(st.sampled_from(CLASSES))}"
    if kind == "datatype":
        return f"sh:datatype {draw(st.sampled_from(DATATYPES))}"
    if kind == "nodeKind":
        return f"sh:nodeKind {draw(st.sampled_from(NODE_KINDS))}"
    if kind in ("minCount", "maxCount"):
        return f"sh:{kind} {draw(st.integers(0, 3))}"
    if kind == "range":
        return f"{draw(st.sampled_from(RANGES))} {draw(st.sampled_from(BOUNDS))}"
    if kind == "length":
        # No sh:minLength 0: pyshacl 0.40.1 skips it, where a blank node still violates it
        # (SHACL 4.4.1); test_min_length_zero_still_refuses_a_blank_node pins the answer.
        if draw(st.booleans()):
            return f"sh:minLength {draw(st.integers(1, 4))}"
        return f"sh:maxLength {draw(st.integers(0, 4))}"
    if kind == "pattern":
        flags = ' ; sh:flags "i"' if draw(st.booleans()) else ""
        return f'sh:pattern "{draw(st.sampled_from(PATTERNS))}"{flags}'
    if kind == "languageIn":
        tags = draw(st.lists(st.sampled_from(("en", "fr", "en-GB", "de")), max_size=3))
        quoted = [f'"{tag}"' for tag in tags]
        return f"sh:languageIn {_list(quoted)}"
    if kind == "uniqueLang":
        return "sh:uniqueLang true"
    if kind == "equalsOrDisjoint":
        return f"{draw(st.sampled_from(PAIRS[:2]))} {draw(predicates)}"
    if kind == "lessThan":
        return f"{draw(st.sampled_from(PAIRS[2:]))} {draw(predicates)}"
    if kind in ("and", "or", "xone"):
        members = draw(st.lists(shapes(text, False, depth - 1), min_size=1, max_size=3))
        return f"sh:{kind} {_list(members)}"
    if kind in ("not", "node"):
        return f"sh:{kind} {draw(shapes(text, False, depth - 1))}"
    if kind == "property":
        return f"sh:property {draw(shapes(text, True, depth - 1))}"
    if kind == "qualified":
        pairs = [f"sh:qualifiedValueShape {draw(shapes(text, False, depth - 1))}"]
        for bound in draw(
            st.lists(
                st.sampled_from(("qualifiedMinCount", "qualifiedMaxCount")),
                min_size=1,
                max_size=2,
                unique=True,
            )
        ):
            pairs.append(f"sh:{bound} {draw(st.integers(0, 2))}")
        if draw(st.booleans()):
            pairs.append("sh:qualifiedValueShapesDisjoint true")
        return " ; ".join(pairs)
    if kind == "closed":
        ignored = " ; sh:ignoredProperties ( rdf:type )" if draw(st.booleans()) else ""
        return f"sh:closed true{ignored}"
    if kind == "hasValue":
        return f"sh:hasValue {draw(st.sampled_from(VALUES))}"
    if kind == "in":
        return f"sh:in {_list(draw(st.lists(st.sampled_from(VALUES), max_size=3)))}"
    if kind == "sparql":
        return draw(sparql_constraints(prop))
    raise AssertionError(kind)


@st.composite
def shapes(
    draw: st.DrawFn,
    text: ShapesText,
    prop: bool,
    depth: int,
    targets: str = "",
    name: str = "",
) -> str:
    """A shape written into ``text``; returns its name. ``prop``: a property shape.

    A shape given the ``name`` of a class is also that class: it has an implicit target.
    """
    kind_of_shape = "sh:PropertyShape" if prop else "sh:NodeShape"
    if name:
        kind_of_shape += ", rdfs:Class"
    else:
        name = text.name()
    kinds = [
        kind
        for kind in COMPONENTS
        if (prop or kind not in PROPERTY_ONLY) and (depth > 0 or kind not in NESTING)
        and not (text.for_jena and prop and kind in JENA_ERRORS)
    ]
    # Each kind once: most parameters take one value only (sh:minCount, sh:flags …).
    chosen = draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=3, unique=True))
    pairs = [f"a {kind_of_shape}"]
    if targets:
        pairs.append(targets)
    if prop:
        path = draw(paths())
        pairs.append(f"sh:path {path}")
        if "zeroOr" in path and "SPARQL on a path that can be empty" in AWAITING_FIX:
            chosen = [kind for kind in chosen if kind != "sparql"] or ["class"]
    pairs += [draw(constraint(text, kind, prop, depth)) for kind in chosen]
    severities = ("", "sh:Violation", "sh:Warning", "sh:Info")
    if not targets and "nested severities" in AWAITING_FIX:
        severities = severities[:2]
    severity = draw(st.sampled_from(severities))
    if severity:
        pairs.append(f"sh:severity {severity}")
    if draw(st.integers(0, 9)) == 0:
        pairs.append("sh:deactivated true")
    text.blocks.append(f"{name}\n    " + " ;\n    ".join(pairs) + " .")
    return name


TARGETS = (
    *(f"sh:targetClass {cls}" for cls in CLASSES),
    *(f"sh:targetNode {node}" for node in NODES),
    *(f"sh:targetSubjectsOf {p}" for p in PREDICATES),
    *(f"sh:targetObjectsOf {p}" for p in PREDICATES),
)
# A literal focus node: the fast engine hands such shapes to pyshacl, so they are rarer,
# to leave most pairs to the fast engine's own queries.
LITERAL_TARGETS = ('sh:targetNode "abc"', "sh:targetNode 1")
targets_of_a_shape = st.lists(
    st.integers(0, 19).flatmap(lambda n: st.sampled_from(LITERAL_TARGETS if n == 0 else TARGETS)),
    min_size=1,
    max_size=2,
    unique=True,
)


@st.composite
def shapes_graphs(draw: st.DrawFn, for_jena: bool = False) -> str:
    """One to three shapes with targets, each with the shapes it refers to."""
    text = ShapesText(for_jena=for_jena)
    implicit = draw(st.integers(0, 4)) == 0
    for index in range(draw(st.integers(1, 3))):
        if implicit and index == 0:
            # An implicit class target: the shape is the class ex:D (the data's ex:D are
            # its instances), with or without targets of its own.
            targets = draw(st.lists(st.sampled_from(TARGETS), max_size=1))
            draw(shapes(text, False, 2, " ;\n    ".join(targets), name="ex:D"))
            continue
        prop = draw(st.integers(0, 3)) == 0
        targets = draw(targets_of_a_shape)
        draw(shapes(text, prop, 2, " ;\n    ".join(targets)))
    return text.text()


cases = st.builds(Case, shapes=shapes_graphs(), data=data_graphs())
cases_for_jena = st.builds(Case, shapes=shapes_graphs(for_jena=True), data=data_graphs())
