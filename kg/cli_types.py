"""Option types the commands share."""

from __future__ import annotations

import math
from typing import Any

import click

__all__ = ["Seconds"]


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
