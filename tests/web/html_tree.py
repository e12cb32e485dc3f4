"""A tiny HTML tree from the standard library's parser, for finding page elements by id, class or attribute."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    """One element: tag, attributes, children and text pieces in order."""

    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    parts: list[str | Node] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All text inside the element, pieces joined by a space."""
        return " ".join(p if isinstance(p, str) else p.text for p in self.parts)

    def iter(self) -> list[Node]:
        """This element and every element inside it, in document order."""
        out = [self]
        for c in self.children:
            out.extend(c.iter())
        return out

    def all(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> list[Node]:
        """Elements inside (or equal to) this one with the tag, class and attribute values given."""
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.attrs.get("class", "").split())
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def one(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> Node | None:
        """The first such element, or None."""
        found = self.all(tag, cls=cls, **attrs)
        return found[0] if found else None


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        self.stack[-1].parts.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.stack[-1].parts.append(data.strip())


def parse(html: str) -> Node:
    """Parse a page into a tree of `Node`s."""
    builder = _Builder()
    builder.feed(html)
    return builder.root
