"""The key facts of the siege (kg/serve/views/summary.py): what the index and the siege's
page say first, read from the graph — and where other accounts dispute them."""

from __future__ import annotations

import re

import pytest

from kg.serve.site import SiteGraph
from kg.serve.state import shipped_graphs
from kg.serve.views.summary import Summary, siege_summary

ID = "https://w3id.org/siege626/id/"


@pytest.fixture(scope="module")
def summary() -> Summary:
    found = siege_summary(SiteGraph(shipped_graphs()))
    assert found is not None
    return found


def test_the_garrisons_figure_is_flagged_with_the_other_accounts_figures(summary: Summary) -> None:
    romans = next(side for side in summary.sides if "Romans" in side.side.label)
    garrison = next(s for s in romans.forces if "imperial troops" in s.text)
    assert [d.href for d in garrison.disputes] == ["/page/claim-garrison-strength"]
    # The text's own figure stays as the text gives it, the other accounts' beside it.
    assert "12,000 men, as stated" in garrison.text
    assert "(about 15,000 men; fewer than 8,000 men, as stated)" in garrison.text


def test_a_disputed_leader_is_flagged(summary: Summary) -> None:
    shahin = next(s for s in summary.leaders if s.text.startswith("Shahin"))
    assert {d.href for d in shahin.disputes} == {"/page/claim-army-at-chalcedon-was-shahrbaraz"}


def test_the_summary_says_the_text_gives_no_start_date_and_names_the_disputes(
    summary: Summary,
) -> None:
    assert "The text's dates run from 31 July 626" in summary.text
    assert "It gives no date for the start of the siege." in summary.text
    assert "The text is disputed by other accounts on 3 points" in summary.text


def test_the_index_flags_a_disputed_figure_beside_it(client) -> None:
    page = client.get("/").text
    garrison = re.search(r"<li><span[^>]*><a href=\"/page/imperial-garrison\">.*?</li>", page)
    assert garrison is not None
    assert "12,000 men, as stated" in garrison.group(0)
    disputed = 'disputed by another account: <a href="/page/claim-garrison-strength">'
    assert disputed in garrison.group(0)
    assert "about 15,000 men; fewer than 8,000 men, as stated" in garrison.group(0)


def test_adjacent_quotations_stay_two_marks(client) -> None:
    page = client.get("/page/source-text").text
    # Two quotations with a space between them (line 1: "itself with a horde"): two
    # links, each with its own mark, which the style sheet tints in turn.
    assert re.search(r"itself</mark></a> <a class=\"quote\" href=\"/page/quote-", page)
    style = client.get("/static/style.css").text
    assert "a.quote:nth-of-type(even) mark" in style
