"""One reader of the emulators' HTML pages for their tests: the forms (action, method, hidden fields) and the elements with an id."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str | None
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # the hidden inputs, in page order


class HtmlPage(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.ids: dict[str, dict[str, str | None]] = {}  # id -> the element's tag and attributes
        self.elements: list[tuple[str, dict[str, str | None]]] = []  # every element's tag and attributes, in page order
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.elements.append((tag, values))
        if values.get("id"):
            self.ids[values["id"] or ""] = {"tag": tag, **values}
        if tag == "form":
            self.forms.append(Form(values.get("action"), (values.get("method") or "get").upper()))
        elif tag == "input" and values.get("type") == "hidden" and self.forms:
            self.forms[-1].fields.append((values.get("name") or "", values.get("value") or ""))

    def tagged(self, tag: str) -> list[dict[str, str | None]]:
        """The attributes of every ``tag`` element, in page order."""
        return [values for name, values in self.elements if name == tag]

    @property
    def action(self) -> str | None:
        """The first form's action."""
        return self.forms[0].action if self.forms else None

    @property
    def fields(self) -> dict[str, str]:
        """The first form's named hidden fields."""
        return {name: value for name, value in self.forms[0].fields if name} if self.forms else {}


def read_page(html: str) -> HtmlPage:
    return HtmlPage(html)
