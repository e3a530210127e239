"""A small document model rendered to Markdown and to self-contained HTML.

Specification documents and datasheets are built as a list of sections, each a list of blocks
(paragraph, note, list, table, code, image, sub-heading). One Markdown and one HTML template render
any such document, so both formats always hold the same content. A section without blocks is
rendered with a visible note saying it is empty, never silently dropped. HTML pages carry their
CSS inline and images as ``data:`` URIs: they make no request when opened.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from kit._files import write_text_atomic

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("kit.docs", "templates"),
    autoescape=jinja2.select_autoescape(["html.j2"]),
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
LANGS = ("en", "zh")


@dataclass(frozen=True)
class Block:
    """One piece of a section.

    Attributes
    ----------
    kind : str
        ``p`` (paragraph), ``note`` (an italic remark, used for "no Chinese text" and empty
        parts), ``list``, ``table``, ``code``, ``image`` (base64 PNG) or ``h3`` (sub-heading).
    text : str
        Paragraph, note, sub-heading or code text; the image's alternative text.
    items : list of str
        List items.
    header : list of str
        Table header.
    rows : list of list of str
        Table rows (cells as text).
    data : str
        Base64 PNG of an image.
    """

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    data: str = ""


def p(text: str) -> Block:
    """A paragraph."""
    return Block("p", text=text)


def note(text: str) -> Block:
    """A visible remark (empty part, missing translation)."""
    return Block("note", text=text)


def h3(text: str) -> Block:
    """A sub-heading."""
    return Block("h3", text=text)


def bullets(items: list[str]) -> Block:
    """A bulleted list."""
    return Block("list", items=tuple(items))


def table(header: list[str], rows: list[list[Any]]) -> Block:
    """A table; cells are turned into text."""
    return Block(
        "table",
        header=tuple(header),
        rows=tuple(tuple("" if c is None else str(c) for c in r) for r in rows),
    )


def code(text: str, language: str = "sql") -> Block:
    """A code block."""
    return Block("code", text=text.rstrip(), items=(language,))


def image(data: str, alt: str) -> Block:
    """An image embedded as base64 PNG."""
    return Block("image", text=alt, data=data)


@dataclass(frozen=True)
class Section:
    """A titled part of a document; ``empty`` is shown when it has no blocks."""

    key: str
    heading: str
    blocks: tuple[Block, ...] = ()
    empty: str = ""


@dataclass(frozen=True)
class Document:
    """A rendered document (Markdown and HTML); ``save`` picks the format by the file suffix.

    Attributes
    ----------
    kind : str
        ``specification`` or ``datasheet``.
    key : str
        Model id (``SS01``) or dataset name.
    lang : str
        ``en`` or ``zh``.
    title : str
    markdown, html : str
    sections : tuple of Section
        The document's structure, for tests and other renderers.
    """

    kind: str
    key: str
    lang: str
    title: str
    markdown: str
    html: str
    sections: tuple[Section, ...] = field(default=(), repr=False)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write ``.html``/``.htm`` as HTML, anything else as Markdown, atomically.

        Returns
        -------
        Path
            The file written.
        """
        path = Path(path)
        text = self.html if path.suffix.lower() in {".html", ".htm"} else self.markdown
        return write_text_atomic(path, text)

    def section(self, key: str) -> Section:
        """The section with this key (``background``, ``legal_basis`` ...)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"{self.kind} {self.key} has no section {key!r}")

    def _repr_markdown_(self) -> str:
        return self.markdown

    def _repr_html_(self) -> str:
        return self.html


def render(
    kind: str,
    key: str,
    lang: str,
    title: str,
    intro: list[Block],
    sections: list[Section],
    back_link: str = "",
) -> Document:
    """Render a document to Markdown and HTML with the generic templates."""
    context = {
        "lang": lang,
        "title": title,
        "intro": intro,
        "sections": sections,
        "back_link": back_link,
    }
    markdown = ENV.get_template("document.md.j2").render(**context)
    html = ENV.get_template("document.html.j2").render(**context)
    return Document(kind, key, lang, title, markdown, html, tuple(sections))


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell (no pipes or line breaks)."""
    return " ".join(str(text).replace("|", "\\|").split())


ENV.filters["md_cell"] = md_cell


def md_row(cells: tuple[str, ...]) -> str:
    """One Markdown table row."""
    return "| " + " | ".join(md_cell(c) for c in cells) + " |"


def md_rule(cells: tuple[str, ...]) -> str:
    """The rule under a Markdown table header."""
    return "|" + "---|" * len(cells)


ENV.filters["md_row"] = md_row
ENV.filters["md_rule"] = md_rule
