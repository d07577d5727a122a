"""The Apache rules of the static copy (``kg site``): its ``.htaccess``, its type maps, and
the ``.htaccess`` of its directory on the w3id.org redirect service.

Content negotiation is Apache's own (mod_negotiation), not patterns of mod_rewrite over
the Accept header: a type map reads the header's media ranges and q-values — ``q=0``
refuses a type, the most specific range decides, a type nothing accepts gets 406 —
which a substring test cannot (``text/turtle;q=0`` contains ``text/turtle``). Two maps
serve every negotiated URL, one per order of preference of ``kg serve``
(:data:`kg.serve.responses.HTML_FIRST`, :data:`~kg.serve.responses.RDF_FIRST`); the URL
is handed to its map as the path after the map's name, and the map sends the request on
to ``/negotiation/FORMAT/URL``, which the rules turn into a 303 (``/id/X``) or the
document's file (``/ontology``, ``/graph/P``, ``/void``).

Where formats are accepted equally Apache prefers the smaller file, then the first in
the map; the maps' variants are names, not files, so every length is unknown and the
map's order — kg serve's — decides.

Redirects name the publication URL, never the Host header of the request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from kg.export import generated_notice

__all__ = [
    "MARKER",
    "NEGOTIATION",
    "static_htaccess",
    "type_maps",
    "w3id_htaccess",
    "write_static_rules",
]

MARKER = "# " + generated_notice("kg site")
# The copy's directory of type maps; its paths are not URLs of the site.
NEGOTIATION = "negotiation"
# A media type no URL of the copy has (see the .htaccess).
_NO_FORMAT = "application/x-no-such-format"


def write_static_rules(directory: Path, url: str, parts: Iterable[str]) -> None:
    """Write the copy's ``.htaccess`` and type maps into ``directory``."""
    (directory / ".htaccess").write_text(
        static_htaccess(url, list(dict.fromkeys(parts))), encoding="utf-8"
    )
    for relative, text in type_maps().items():
        (directory / relative).parent.mkdir(parents=True, exist_ok=True)
        (directory / relative).write_text(text, encoding="utf-8")


def _extension(media_type: str) -> str:
    from kg.serve.responses import EXTENSIONS, HTML

    return "html" if media_type == HTML else EXTENSIONS[media_type]


def type_maps() -> dict[str, str]:
    """The type maps of the copy: path (relative to the copy) → text."""
    from kg.serve.responses import HTML, HTML_FIRST, RDF_FIRST

    maps = {}
    for name, label, order in [
        ("html-first.var", "HTML_FIRST", HTML_FIRST),
        ("rdf-first.var", "RDF_FIRST", RDF_FIRST),
    ]:
        lines = [
            MARKER,
            f"# Formats in kg serve's order of preference ({label}); each variant is a",
            f"# name under {NEGOTIATION}/, never a file, so no length breaks a tie.",
        ]
        for media_type in order:
            # Apache gives text/html the level 2 unless told, and would then refuse a
            # client's text/html;level=1; level 0 is below any level a client names.
            declared = f"{media_type}; level=0" if media_type == HTML else media_type
            lines += ["", f"URI: {_extension(media_type)}", f"Content-Type: {declared}"]
        maps[f"{NEGOTIATION}/{name}"] = "\n".join(lines) + "\n"
    return maps


def _slash_redirect(url: str) -> list[str]:
    """307 from ``/P/`` to ``/P`` exactly when kg serve makes it: no route matches the path,
    one matches it without its trailing slashes (the routes' own regular expressions,
    joined into one, their named groups unnamed)."""
    from kg.serve.pages import routes
    from kg.serve.trailing_slash import STATUS, slashless_patterns

    bodies = [
        re.sub(r"\(\?P<\w+>", "(?:", pattern.removeprefix("^").removesuffix("$"))
        for pattern in slashless_patterns(routes())
    ]
    any_route = "^(?:" + "|".join(bodies) + ")$"
    return [
        "RewriteCond %{ENV:REDIRECT_STATUS} ^$",
        f"RewriteCond /$1 !{any_route}",
        f"RewriteCond /$2 {any_route}",
        f"RewriteRule ^((.+?)/+)$ {url}$2 [R={STATUS},L]",
    ]


def static_htaccess(url: str, parts: Sequence[str]) -> str:
    """The ``.htaccess`` of the copy published at ``url`` (a host's root, ending in ``/``).

    Apache modules: mod_rewrite, mod_mime, mod_dir, mod_negotiation, mod_headers.
    """
    from kg.serve.files import DIST_TYPES
    from kg.serve.responses import RDF_TYPES

    rdf = "|".join(RDF_TYPES)
    documents = "|".join(["ontology", *(f"graph/{part}" for part in parts)])
    lines = [
        MARKER,
        "# The static copy of siege626 on Apache (mod_rewrite, mod_mime, mod_dir,",
        "# mod_negotiation, mod_headers): media types, /page/X from page/X.html, and content",
        "# negotiation as kg serve does it.",
        "Options -Indexes -MultiViews",
        "DirectoryIndex index.html",
        "# /queries is queries.html, not a redirect to the directory /queries/.",
        "DirectorySlash Off",
        *(f'AddType "{media_type}" {ext}' for ext, media_type in sorted(DIST_TYPES.items())),
        'AddType "text/css; charset=utf-8" .css',
        "AddType text/tab-separated-values .tsv",
        f"# The type maps of {NEGOTIATION}/: Apache's content negotiation, which reads the",
        "# Accept header's q-values (mod_negotiation).",
        "AddHandler type-map .var",
        "# Two habits of that negotiation undone (mod_headers), to answer as kg serve does:",
        "# - when no range of the header has a q-value below 1, it ranks a type matched only",
        "#   by a wildcard below one named outright, where RFC 9110 gives them the same",
        "#   quality; a range of no format, refused, gives the header a q-value and changes",
        "#   nothing else;",
        "# - it refuses everything for an empty header, which accepts anything, as none does.",
        f'RequestHeader edit Accept "^(.*\\S.*)$" "$1, {_NO_FORMAT};q=0"',
        'RequestHeader edit Accept "^\\s*$" "*/*"',
        "",
        "RewriteEngine on",
        "# A path that ends in slashes: 307 to the path without them where kg serve does.",
        *_slash_redirect(url),
        "",
        f"# {NEGOTIATION}/ is how the rules below negotiate, not a URL of the site.",
        "RewriteCond %{ENV:REDIRECT_STATUS} ^$",
        f"RewriteRule ^{NEGOTIATION}(/|$) - [R=404,L]",
        "",
        "# Canned queries' answers: SPARQL results, not any JSON or XML.",
        r"RewriteRule ^queries/[^/]+\.json$ - [T=application/sparql-results+json,L]",
        r"RewriteRule ^queries/[^/]+\.xml$ - [T=application/sparql-results+xml,L]",
        "",
        "# Negotiated URLs go to the type map of their order of preference, as the path",
        f"# after it; the map sends them on to {NEGOTIATION}/FORMAT/URL.",
        "RewriteCond %{CONTEXT_DOCUMENT_ROOT}/page/$2.html -f",
        f"RewriteRule ^(id/([^/]+))$ {NEGOTIATION}/html-first.var/$1 [L]",
        f"RewriteRule ^({documents})$ {NEGOTIATION}/html-first.var/$1 [L]",
        f"RewriteRule ^(void)$ {NEGOTIATION}/rdf-first.var/$1 [L]",
        "# /id/X (https://w3id.org/siege626/id/X): 303 See Other to the page or the data.",
        f"RewriteRule ^{NEGOTIATION}/html/id/([^/]+)$ {url}page/$1 [R=303,QSD,L]",
        f"RewriteRule ^{NEGOTIATION}/({rdf})/id/([^/]+)$ {url}data/$2.$1 [R=303,QSD,L]",
        "# /ontology, /graph/P, /void: the document's file in the format chosen.",
        f"RewriteRule ^{NEGOTIATION}/(html|{rdf})/(.+)$ $2.$1 [L]",
        "",
        "# /X from X.html (the pages link to URLs without a suffix).",
        "RewriteCond %{REQUEST_FILENAME} !-f",
        "RewriteCond %{REQUEST_FILENAME}.html -f",
        r"RewriteRule ^(.+)$ $1.html [L]",
        "",
    ]
    return "\n".join(lines)


def w3id_htaccess(url: str, parts: Sequence[str], context: str | None = None) -> str:
    """The rules for https://w3id.org/siege626/ (a directory ``siege626`` of w3id.org).

    Each IRI is sent to the same path of the copy, which negotiates the format by its
    type maps: the Accept header is read in one place, by a parser of q-values.
    """
    graphs = "|".join(parts)
    lines = [
        MARKER,
        f"# https://w3id.org/siege626/ — the Siege of Constantinople (626), published at {url}",
        "# Resources /id/X, the ontology and the named graphs: 303 See Other to the same path",
        "# of the copy, which negotiates the format by the Accept header as kg serve does.",
        "Options +FollowSymLinks",
        "RewriteEngine on",
        "",
        f"RewriteRule ^(id/[^/]+|ontology|graph/(?:{graphs}))$ {url}$1 [R=303,L]",
        "",
    ]
    if context:
        lines += [rf"RewriteRule ^context\.jsonld$ {url}dist/{context} [R=302,L]", ""]
    lines += [f"RewriteRule ^$ {url} [R=302,L]", ""]
    return "\n".join(lines)
