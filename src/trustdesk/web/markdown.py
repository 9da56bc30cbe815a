"""A small, safe Markdown subset for help-center articles: headings, paragraphs, lists, bold,
italics, inline code and links. Everything is escaped first, so article text can never inject
HTML or script into the page."""

from __future__ import annotations

import re
from html import escape

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(((?:https://|/)[^)\s]+)\)")
_ORDERED = re.compile(r"^\d+[.)]\s+")


def _inline(text: str) -> str:
    out = escape(text, quote=True)
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(r"<em>\1</em>", out)
    return _LINK.sub(r'<a href="\2">\1</a>', out)


def render(source: str) -> str:
    """HTML for a Markdown article body."""
    html: list[str] = []
    paragraph: list[str] = []
    list_tag: str | None = None

    def flush_paragraph() -> None:
        if paragraph:
            html.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if list_tag:
            html.append(f"</{list_tag}>")
            list_tag = None

    for raw in source.splitlines():
        line = raw.strip()
        if not line:
            flush_paragraph()
            close_list()
            continue
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        if heading:
            flush_paragraph()
            close_list()
            level = min(len(heading.group(1)) + 1, 5)  # the page's h1 is the title
            html.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            continue
        item_tag = "ol" if _ORDERED.match(line) else "ul" if line[:2] in ("- ", "* ") else None
        if item_tag:
            flush_paragraph()
            if list_tag != item_tag:
                close_list()
                html.append(f"<{item_tag}>")
                list_tag = item_tag
            text = _ORDERED.sub("", line) if item_tag == "ol" else line[2:]
            html.append(f"<li>{_inline(text)}</li>")
            continue
        if list_tag and raw.startswith((" ", "\t")) and html:
            html[-1] = html[-1][: -len("</li>")] + " " + _inline(line) + "</li>"
            continue
        close_list()
        paragraph.append(line)
    flush_paragraph()
    close_list()
    return "\n".join(html)
