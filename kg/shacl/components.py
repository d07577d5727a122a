"""SHACL core constraint components as SPARQL violation patterns.

A pattern is a group's contents in which a focus variable is bound from outside: each
solution is a validation result. A node's conformance to a nested shape (sh:or,
sh:and, sh:xone, sh:not, sh:node, sh:qualifiedValueShape) is an ``EXISTS`` over the
union of that shape's violation patterns, with the node bound from outside.

Anything outside this module's reach raises :class:`Unsupported`. Datatypes that the
store renames (``xsd:int`` and the other integer types become ``xsd:integer``) are
outside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from kg.shacl.errors import Unsupported
from kg.shacl.paths import can_be_empty, list_members, sparql_path

__all__ = ["TYPE_OF", "ComponentCompiler", "Pattern"]

TYPE_OF = f"{RDF.type.n3()}/{RDFS.subClassOf.n3()}*"

# Datatypes the store keeps under another name: a constraint on them cannot be decided there.
STORE_RENAMED_DATATYPES = frozenset(
    XSD[name]
    for name in (
        "int long short byte nonNegativeInteger nonPositiveInteger negativeInteger "
        "positiveInteger unsignedLong unsignedInt unsignedShort unsignedByte dateTimeStamp"
    ).split()
)
# Datatypes whose well-formedness the store can test by casting (an ill-typed literal
# keeps its datatype there, and the cast fails).
_CASTABLE = frozenset(
    XSD[name]
    for name in (
        "string boolean decimal integer double float date time dateTime gYear gYearMonth "
        "gMonth gDay gMonthDay duration yearMonthDuration dayTimeDuration"
    ).split()
)
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_RANGES = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}
_PAIRS = {
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
}
# Parameters of the components compiled here; a shape with any other sh: parameter
# (sh:closed's companions are read with sh:closed) is left to the reference engine.
_KNOWN = frozenset(
    {
        RDF.type,
        RDFS.label,
        RDFS.comment,
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.defaultValue,
        SH.message,
        SH.severity,
        SH.deactivated,
        SH.path,
        SH.targetClass,
        SH.targetNode,
        SH.targetSubjectsOf,
        SH.targetObjectsOf,
        SH["class"],
        SH.datatype,
        SH.nodeKind,
        SH.minCount,
        SH.maxCount,
        SH.minLength,
        SH.maxLength,
        SH.pattern,
        SH.flags,
        SH.languageIn,
        SH.uniqueLang,
        SH["in"],
        SH.hasValue,
        SH["or"],
        SH["and"],
        SH["not"],
        SH.xone,
        SH.node,
        SH.property,
        SH.qualifiedValueShape,
        SH.qualifiedMinCount,
        SH.qualifiedMaxCount,
        SH.qualifiedValueShapesDisjoint,
        SH.closed,
        SH.ignoredProperties,
        SH.sparql,
        *_RANGES,
        *_PAIRS,
    }
)


def value_pattern(shapes: Graph, path: Node, focus: str, value: str, reached: str) -> str:
    """A pattern binding ``value`` to each value node of ``focus`` (bound before it).

    Where the path can be empty, the focus node is one of its values even if the data
    never mention it; a join of ``focus`` with the path pattern finds only nodes of the
    graph, so the focus node is added where the path reaches nothing: a node of the graph
    reaches itself.
    """
    text = sparql_path(shapes, path)
    if can_be_empty(shapes, path):
        reaching = f"OPTIONAL {{ {focus} {text} {reached} }}"
        return f"{reaching} BIND(COALESCE({reached}, {focus}) AS {value})"
    return f"{focus} {text} {value} ."


class Pattern(NamedTuple):
    """A violation pattern: a group's contents in which the focus variable is bound."""

    component: URIRef
    text: str
    value: str | None  # the variable of the result's sh:value, if it has one
    path: str | None = None  # the variable of the result's sh:resultPath, if not the shape's
    # Variables that tell two results of one focus and value apart (one result per pair).
    distinct: tuple[str, ...] = ()


@dataclass
class ComponentCompiler:
    """Writes the violation patterns of shapes, with variable names of its own."""

    shapes: Graph
    names: Iterator[int] = field(default_factory=lambda: count(1))
    nesting: list[Node] = field(default_factory=list)

    def fresh(self, stem: str) -> str:
        return f"?kg_{stem}{next(self.names)}"

    # -- checks ----------------------------------------------------------------------

    def path(self, shape: Node) -> Node | None:
        return self.shapes.value(shape, SH.path)

    def deactivated(self, shape: Node) -> bool:
        flag = self.shapes.value(shape, SH.deactivated)
        return isinstance(flag, Literal) and flag.value is True

    def one(self, shape: Node, parameter: URIRef) -> Node:
        values = list(self.shapes.objects(shape, parameter))
        if len(values) != 1:
            raise Unsupported(f"{shape.n3()} has {len(values)} values of {parameter.n3()}")
        return values[0]

    def integer(self, shape: Node, parameter: URIRef) -> int:
        value = self.one(shape, parameter)
        if not isinstance(value, Literal) or not isinstance(value.value, int):
            raise Unsupported(f"{parameter.n3()} of {shape.n3()} is not an integer")
        return int(value.value)

    def members(self, node: Node) -> list[Node]:
        return list(list_members(self.shapes, node))

    def check_known(self, shape: Node) -> None:
        for parameter in set(self.shapes.predicates(shape)):
            if str(parameter).startswith(str(SH)) and parameter not in _KNOWN:
                raise Unsupported(f"{shape.n3()} uses {parameter.n3()}")

    # -- value nodes -----------------------------------------------------------------

    def values(self, shape: Node, focus: str) -> tuple[str, str]:
        """A pattern binding the shape's value nodes of ``focus``, and their variable."""
        path = self.path(shape)
        if path is None:
            return "", focus
        value = self.fresh("v")
        return value_pattern(self.shapes, path, focus, value, self.fresh("reached")), value

    # -- violation patterns ----------------------------------------------------------

    def constraints(self, shape: Node, focus: str) -> Iterator[Pattern]:
        """(component, pattern, value variable or None) for each constraint of ``shape``.

        The pattern is a group's contents in which ``focus`` is bound from outside.
        """
        self.check_known(shape)
        g = self.shapes
        for cls in g.objects(shape, SH["class"]):
            each, v = self.values(shape, focus)
            yield Pattern(
                SH.ClassConstraintComponent,
                f"{each} FILTER NOT EXISTS {{ {v} {TYPE_OF} {cls.n3()} }}",
                v,
            )
        for datatype in g.objects(shape, SH.datatype):
            if datatype in STORE_RENAMED_DATATYPES:
                raise Unsupported(f"sh:datatype {datatype.n3()}, which the store renames")
            each, v = self.values(shape, focus)
            test = f"isLiteral({v}) && datatype({v}) = {datatype.n3()}"
            if datatype in _CASTABLE and datatype != XSD.string:
                test += f" && COALESCE(isLiteral({datatype.n3()}({v})), false)"
            yield Pattern(SH.DatatypeConstraintComponent, f"{each} FILTER(!({test}))", v)
        for kind in g.objects(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {kind.n3()}")
            each, v = self.values(shape, focus)
            yield Pattern(
                SH.NodeKindConstraintComponent,
                f"{each} FILTER(!{_NODE_KINDS[kind].format(v=v)})",
                v,
            )
        for parameter, (operator, component) in _RANGES.items():
            for bound in g.objects(shape, parameter):
                each, v = self.values(shape, focus)
                yield Pattern(
                    component, f"{each} FILTER(!COALESCE({v} {operator} {bound.n3()}, false))", v
                )
        for parameter, operator, component in (
            (SH.minLength, ">=", SH.MinLengthConstraintComponent),
            (SH.maxLength, "<=", SH.MaxLengthConstraintComponent),
        ):
            if (g.value(shape, parameter)) is not None:
                limit = self.integer(shape, parameter)
                each, v = self.values(shape, focus)
                test = f"isBlank({v}) || !COALESCE(STRLEN(STR({v})) {operator} {limit}, false)"
                yield Pattern(component, f"{each} FILTER({test})", v)
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            each, v = self.values(shape, focus)
            arguments = f"STR({v}), {Literal(str(pattern)).n3()}"
            if flags is not None:
                arguments += f", {Literal(str(flags)).n3()}"
            yield Pattern(
                SH.PatternConstraintComponent,
                f"{each} FILTER(isBlank({v}) || !REGEX({arguments}))",
                v,
            )
        for languages in g.objects(shape, SH.languageIn):
            each, v = self.values(shape, focus)
            tests = [
                f"langMatches(LANG({v}), {Literal(str(tag)).n3()})"
                for tag in self.members(languages)
            ]
            test = " || ".join(tests) or "false"
            yield Pattern(
                SH.LanguageInConstraintComponent, f"{each} FILTER(!(isLiteral({v}) && ({test})))", v
            )
        for allowed in g.objects(shape, SH["in"]):
            each, v = self.values(shape, focus)
            test = " || ".join(f"sameTerm({v}, {term.n3()})" for term in self.members(allowed))
            yield Pattern(SH.InConstraintComponent, f"{each} FILTER(!({test or 'false'}))", v)
        for required in g.objects(shape, SH.hasValue):
            each, v = self.values(shape, focus)
            yield Pattern(
                SH.HasValueConstraintComponent,
                f"FILTER NOT EXISTS {{ {each} FILTER(sameTerm({v}, {required.n3()})) }}",
                None,
            )
        yield from self.cardinality(shape, focus)
        unique = g.value(shape, SH.uniqueLang)
        # Only the literal true turns it on (the suite's uniqueLang-002: not "1"^^xsd:boolean).
        if unique == Literal(True) and str(unique) == "true" and self.path(shape) is not None:
            path = sparql_path(g, self.path(shape))  # type: ignore[arg-type]
            a, b = self.fresh("a"), self.fresh("b")
            language = self.fresh("language")
            yield Pattern(
                SH.UniqueLangConstraintComponent,
                f'{focus} {path} {a}, {b} . FILTER(!sameTerm({a}, {b}) && LANG({a}) != "" '
                f"&& LCASE(LANG({a})) = LCASE(LANG({b}))) BIND(LCASE(LANG({a})) AS {language})",
                None,
                distinct=(language,),
            )
        yield from self.logical(shape, focus)
        yield from self.pairs(shape, focus)
        yield from self.qualified(shape, focus)
        yield from self.closed(shape, focus)

    def cardinality(self, shape: Node, focus: str) -> Iterator[Pattern]:
        path = self.path(shape)
        for parameter, component in (
            (SH.minCount, SH.MinCountConstraintComponent),
            (SH.maxCount, SH.MaxCountConstraintComponent),
        ):
            if self.shapes.value(shape, parameter) is None:
                continue
            if path is None:
                raise Unsupported(f"{parameter.n3()} on a node shape")
            limit = self.integer(shape, parameter)
            pattern = self.counted(shape, focus, None, parameter == SH.minCount, limit)
            yield Pattern(component, pattern, None)

    def counted(
        self,
        shape: Node,
        focus: str,
        conforming: Callable[[str], str] | None,
        minimum: bool,
        limit: int,
    ) -> str:
        """A pattern true when the number of value nodes (that pass ``conforming``, a
        filter made for the value variable) breaks ``limit``."""
        path_node = self.path(shape)
        assert path_node is not None
        path = sparql_path(self.shapes, path_node)
        v = self.fresh("v")
        condition = conforming(v) if conforming is not None else ""
        if minimum and limit <= 0:
            return "FILTER(false)"
        n = self.fresh("n")
        if can_be_empty(self.shapes, path_node):
            # The focus node is a value node of its own: counted apart, since the counting
            # subquery sees only nodes of the graph.
            own = f"IF(EXISTS {{ {conforming(focus)} }}, 1, 0)" if conforming else "1"
            counting = (
                f"{{ SELECT {focus} (COUNT(DISTINCT {v}) AS {n}) WHERE {{ {focus} {path} {v} . "
                f"FILTER(!sameTerm({v}, {focus})) {condition} }} GROUP BY {focus} }}"
            )
            total = f"(COALESCE({n}, 0) + {own})"
            return f"OPTIONAL {counting} FILTER({total} {'<' if minimum else '>'} {limit})"
        if minimum and limit == 1:
            return f"FILTER NOT EXISTS {{ {focus} {path} {v} . {condition} }}"
        if not minimum and limit == 0 and not condition:
            return f"FILTER EXISTS {{ {focus} {path} {v} }}"
        counting = (
            f"{{ SELECT {focus} (COUNT(DISTINCT {v}) AS {n}) "
            f"WHERE {{ {focus} {path} {v} . {condition} }} GROUP BY {focus} }}"
        )
        if minimum:
            return f"OPTIONAL {counting} FILTER(COALESCE({n}, 0) < {limit})"
        return f"{counting} FILTER({n} > {limit})"

    def violated(self, shape: Node, node: str) -> str:
        """``EXISTS { … }``: true when ``node`` does not conform to ``shape``."""
        if shape in self.nesting:
            raise Unsupported(f"recursive shape {shape.n3()}")
        self.nesting.append(shape)
        try:
            if self.deactivated(shape):
                return "false"
            if self.shapes.value(shape, SH.sparql) is not None:
                raise Unsupported(f"a SPARQL constraint in the nested shape {shape.n3()}")
            branches = [pattern.text for pattern in self.constraints(shape, node)]
            for child in self.shapes.objects(shape, SH.property):
                if not self.deactivated(child):
                    branches.extend(pattern.text for pattern in self.constraints(child, node))
        finally:
            self.nesting.pop()
        if not branches:
            return "false"
        return "EXISTS { " + " UNION ".join(f"{{ {branch} }}" for branch in branches) + " }"

    def logical(self, shape: Node, focus: str) -> Iterator[Pattern]:
        g = self.shapes
        for members in g.objects(shape, SH["or"]):
            each, v = self.values(shape, focus)
            tests = [self.violated(member, v) for member in self.members(members)]
            yield Pattern(
                SH.OrConstraintComponent, f"{each} FILTER({' && '.join(tests) or 'true'})", v
            )
        for members in g.objects(shape, SH["and"]):
            each, v = self.values(shape, focus)
            tests = [self.violated(member, v) for member in self.members(members)]
            yield Pattern(
                SH.AndConstraintComponent, f"{each} FILTER({' || '.join(tests) or 'false'})", v
            )
        for members in g.objects(shape, SH.xone):
            each, v = self.values(shape, focus)
            tests = [f"IF({self.violated(member, v)}, 0, 1)" for member in self.members(members)]
            yield Pattern(
                SH.XoneConstraintComponent, f"{each} FILTER(({' + '.join(tests) or '0'}) != 1)", v
            )
        for negated in g.objects(shape, SH["not"]):
            each, v = self.values(shape, focus)
            yield Pattern(
                SH.NotConstraintComponent, f"{each} FILTER(!{self.violated(negated, v)})", v
            )
        for node in g.objects(shape, SH.node):
            each, v = self.values(shape, focus)
            yield Pattern(SH.NodeConstraintComponent, f"{each} FILTER({self.violated(node, v)})", v)

    def pairs(self, shape: Node, focus: str) -> Iterator[Pattern]:
        for parameter, component in _PAIRS.items():
            for other in self.shapes.objects(shape, parameter):
                if not isinstance(other, URIRef):
                    raise Unsupported(f"{parameter.n3()} with a path that is not an IRI")
                each, v = self.values(shape, focus)
                w = self.fresh("w")
                if parameter == SH.equals:
                    if not each:
                        raise Unsupported("sh:equals on a node shape")
                    # Each direction in the group that binds the focus node: a group of
                    # its own (a UNION branch) would not see it, nor a value it is of its own.
                    yield Pattern(
                        component, f"{each} FILTER NOT EXISTS {{ {focus} {other.n3()} {v} }}", v
                    )
                    reached = self.fresh("reached")
                    path = sparql_path(self.shapes, self.path(shape))  # type: ignore[arg-type]
                    own = (
                        f"sameTerm({w}, {focus}) || "
                        if can_be_empty(self.shapes, self.path(shape))  # type: ignore[arg-type]
                        else ""
                    )
                    reaches = (
                        f"EXISTS {{ {focus} {path} {reached} FILTER(sameTerm({reached}, {w})) }}"
                    )
                    pattern = f"{focus} {other.n3()} {w} . FILTER(!({own}{reaches}))"
                    yield Pattern(component, pattern, w)
                    continue
                elif parameter == SH.disjoint:
                    pattern = f"{each} {focus} {other.n3()} {v} ."
                else:
                    operator = "<" if parameter == SH.lessThan else "<="
                    test = f"FILTER(!COALESCE({v} {operator} {w}, false))"
                    pattern = f"{each} {focus} {other.n3()} {w} . {test}"
                    yield Pattern(component, pattern, v, distinct=(w,))
                    continue
                yield Pattern(component, pattern, v)

    def qualified(self, shape: Node, focus: str) -> Iterator[Pattern]:
        g = self.shapes
        qualified = g.value(shape, SH.qualifiedValueShape)
        if qualified is None:
            return
        disjoint = g.value(shape, SH.qualifiedValueShapesDisjoint)
        if isinstance(disjoint, Literal) and disjoint.value is True:
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        if self.path(shape) is None:
            raise Unsupported("sh:qualifiedValueShape on a node shape")
        for parameter, component, minimum in (
            (SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent, True),
            (SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent, False),
        ):
            if g.value(shape, parameter) is None:
                continue
            limit = self.integer(shape, parameter)
            pattern = self.counted(
                shape,
                focus,
                lambda value, q=qualified: f"FILTER(!{self.violated(q, value)})",
                minimum,
                limit,
            )
            yield Pattern(component, pattern, None)

    def closed(self, shape: Node, focus: str) -> Iterator[Pattern]:
        g = self.shapes
        flag = g.value(shape, SH.closed)
        if not (isinstance(flag, Literal) and flag.value is True):
            return
        allowed = {g.value(child, SH.path) for child in g.objects(shape, SH.property)}
        for ignored in g.objects(shape, SH.ignoredProperties):
            allowed.update(self.members(ignored))
        names = sorted(term.n3() for term in allowed if isinstance(term, URIRef))
        each, v = self.values(shape, focus)
        p, o = self.fresh("p"), self.fresh("o")
        test = f"FILTER({p} NOT IN ({', '.join(names)}))" if names else ""
        yield Pattern(SH.ClosedConstraintComponent, f"{each} {v} {p} {o} . {test}", o, p)
