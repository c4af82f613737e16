"""The tree the HTML reader walks, built from lxml's parser-target events (start, end, data…) rather than by libxml2.

libxml2's own tree builder stops reading a page nested more than 256 levels deep (2048 with huge_tree), and broken
pages nest thousands of unclosed tags; lxml's elements refuse tag names like Word's `o:p`. These two small classes
have neither limit.
"""

from __future__ import annotations

from collections.abc import Mapping


class Node:
    """An element as this reader needs it: name, attributes, and content in document order (elements and text runs;
    comments, processing instructions and the doctype only end a text run, they are not visible)."""

    __slots__ = ("attributes", "content", "name")

    def __init__(self, name: str, attributes: Mapping[str, str]) -> None:
        self.name = name
        self.attributes = attributes
        self.content: list[Node | str] = []


class TreeTarget:
    """Builds the tree from lxml's parser-target events (start, end, data...). Not libxml2's own tree: its builder
    stops reading a page nested more than 256 levels deep (2048 with huge_tree), and broken pages nest thousands of
    unclosed tags. Not lxml elements either: lxml refuses to build tags named like Word's `o:p`.

    `root` is a nameless node holding the page's top-level nodes (a page can go on after </html>, in a second
    <html>)."""

    def __init__(self) -> None:
        self.root = Node("", {})
        self._open = [self.root]
        self._text: list[str] = []

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        self._end_text()
        node = Node(tag, attrib)
        self._open[-1].content.append(node)
        self._open.append(node)

    def end(self, tag: str) -> None:
        self._end_text()
        self._open.pop()  # libxml2 reports every element it closes, implied ones too: ends always match starts

    def data(self, data: str) -> None:
        self._text.append(data)

    def comment(self, text: str) -> None:
        self._end_text()

    def pi(self, target: str, data: str) -> None:
        self._end_text()

    def doctype(self, name: str, pubid: str, system: str) -> None:
        self._end_text()

    def close(self) -> None:
        self._end_text()

    def _end_text(self) -> None:
        if self._text:
            self._open[-1].content.append("".join(self._text))
            self._text = []
