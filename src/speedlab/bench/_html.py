"""``index.html``: every table and picture of a bench on one self-contained page.

The page has no script and loads nothing from the network: its style is inline, and its
pictures are the PNG files beside it, linked by relative names (each with its SVG next to
it), so the folder can be zipped, mailed or served as it is. Every text that comes from a
run (a model's name, a keyword, an error message) is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Picture", "Section", "render_page"]

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 68rem;
       padding: 0 1rem; color: #222; }
h1 { margin-bottom: .2rem; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2.5rem; }
.meta { color: #555; margin: .2rem 0; }
code { background: #f3f3f3; padding: .1rem .3rem; border-radius: 3px; }
nav a { margin-right: 1rem; }
.verdict { font-weight: 600; }
table { border-collapse: collapse; margin: 1rem 0 .3rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
th, td { border: 1px solid #ddd; padding: .25rem .6rem; }
th { background: #f6f6f6; }
td.num { text-align: right; }
.caption { color: #555; font-size: 13px; margin: 0 0 .5rem; }
.notes { margin-top: .3rem; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 13px; }
"""


@dataclass(frozen=True)
class Picture:
    """A picture written beside the page: its PNG and SVG names and what to look for."""

    png: str
    svg: str
    alt: str
    caption: str


@dataclass(frozen=True)
class Section:
    """One part of the page: a heading, a verdict line, tables (HTML fragments), pictures."""

    anchor: str
    heading: str
    verdict: str = ""
    tables: tuple[str, ...] = ()
    pictures: tuple[Picture, ...] = ()
    label: str = ""

    @property
    def nav(self) -> str:
        """The section's short name in the page's navigation (its anchor by default)."""
        return self.label or self.anchor


def _picture(picture: Picture) -> str:
    esc = html.escape
    return (
        f'<figure><a href="{esc(picture.svg)}"><img src="{esc(picture.png)}" '
        f'alt="{esc(picture.alt)}"></a>'
        f"<figcaption>{esc(picture.caption)} "
        f'(<a href="{esc(picture.svg)}">SVG</a>)</figcaption></figure>'
    )


def render_page(
    *,
    title: str,
    machine: str,
    command: str,
    sections: Sequence[Section],
    notes: Sequence[str] = (),
    results: str = "results.json",
) -> str:
    """Return the whole page.

    Args:
        title: The page's heading.
        machine: Where it was measured, in one line.
        command: The command that reproduces it.
        sections: The parts, in order; table fragments must already be escaped HTML.
        notes: Warnings about the measurement (a busy machine), shown under the heading.
        results: The raw results' file name, linked at the end.
    """
    esc = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{_STYLE}</style></head>",
        "<body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">Measured on {esc(machine)}.</p>',
        f'<p class="meta">Reproduce: <code>{esc(command)}</code></p>',
        *(f'<p class="meta"><strong>Note:</strong> {esc(n)}</p>' for n in notes),
        "<nav>"
        + "".join(f'<a href="#{esc(s.anchor)}">{esc(s.nav)}</a>' for s in sections)
        + "</nav>",
    ]
    for section in sections:
        parts.append(f'<section id="{esc(section.anchor)}"><h2>{esc(section.heading)}</h2>')
        if section.verdict:
            parts.append(f'<p class="verdict">{esc(section.verdict)}</p>')
        parts.extend(section.tables)
        parts.extend(_picture(p) for p in section.pictures)
        parts.append("</section>")
    parts += [
        f'<footer><p class="meta">Raw results: <a href="{esc(results)}">{esc(results)}</a> '
        "(machine, Python build, library versions, every run).</p></footer>",
        "</body></html>",
        "",
    ]
    return "\n".join(parts)
