"""Option types the commands share."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

__all__ = ["Seconds", "dist_option"]


class Seconds(click.FloatRange):
    """A finite number of seconds within a range.

    click's FloatRange lets ``nan`` and ``inf`` through: no comparison with NaN is false,
    and a limit of ``inf`` seconds or ``nan`` seconds is no limit anyone meant.
    """

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value} is not a number of seconds", param, ctx)
        return seconds


def dist_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--dist DIR``: the release directory (``make release`` builds it); ``what`` says
    what the command does with it."""
    return click.option(
        "--dist",
        "dist_dir",
        default=Path("dist"),
        show_default=True,
        type=click.Path(path_type=Path, file_okay=False),
        metavar="DIR",
        help=f"Release directory {what} (make release builds it).",
    )
