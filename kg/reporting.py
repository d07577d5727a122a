"""Render a ValidationReport as text for people."""

from __future__ import annotations

from kg.validation import ValidationReport, Violation

__all__ = ["render_report", "summary_line"]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_line(report: ValidationReport) -> str:
    """One line: the verdict and what was checked."""
    failures = sum(1 for v in report.violations if v.severity == "Violation")
    notes = len(report.violations) - failures
    # "conforms" is SHACL's word: no result at all. Warnings allowed are said as such.
    if report.conforms:
        verdict = "conforms"
    elif report.accepted:
        verdict = f"conforms, with {_plural(notes, 'warning')} allowed"
    else:
        verdict = "does not conform"
    line = (
        f"{verdict}: {_plural(report.data_triples, 'data triple')} "
        f"(+ {_plural(report.ontology_triples, 'ontology triple')}) checked against "
        f"{_plural(report.shape_count, 'shape')} and {_plural(len(report.checks), 'quality check')}"
    )
    if failures:
        line += f"; {_plural(failures, 'violation')}"
    if notes:
        line += f"; {_plural(notes, 'warning or note')}"
    return line


def render_report(report: ValidationReport) -> str:
    """The summary line, then each violation, warning and note with its source sentences."""
    blocks = [summary_line(report)]
    blocks += [_render_violation(number, v) for number, v in enumerate(report.violations, 1)]
    return "\n\n".join(blocks) + "\n"


def _render_violation(number: int, violation: Violation) -> str:
    fields = [
        ("path", violation.path),
        ("message", violation.message),
        ("value", violation.value),
        ("constraint", violation.constraint),
        ("shape", violation.shape),
    ]
    lines = [f"{number}. {violation.severity}: {violation.focus_node or '(no focus node)'}"]
    lines += [f"   {label + ':':<12}{text}" for label, text in fields if text]
    for sentence in violation.sentences:
        quoted = f" {sentence.text}" if sentence.text else ""
        lines.append(f"   {'sentence ' + str(sentence.number) + ':':<12}{quoted.lstrip()}")
    if not violation.sentences:
        lines.append(f"   {'sentence:':<12}(no quotation links this node to the source)")
    return "\n".join(lines)
