"""Pages of a long list, as the GOV.UK pagination pattern shows them: pure functions over page
numbers, so that a list bounds what one page shows whatever its length."""

import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

#: A page number as a person or a link writes it; a longer one is no page of any list.
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Page:
    """One page of a list of `count` items, `size` to a page: its `number` (from 1), how many
    pages there are, and the items it holds (from `first`, counting from 1, to `last`)."""

    number: int
    size: int
    count: int

    @property
    def pages(self) -> int:
        """How many pages the list fills; an empty list is one empty page."""
        return max(1, math.ceil(self.count / self.size))

    @property
    def first(self) -> int:
        return min(self.count, (self.number - 1) * self.size + 1)

    @property
    def last(self) -> int:
        return min(self.count, self.number * self.size)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def slice(self, items: list) -> list:
        """The items of this page, out of the whole list."""
        return items[(self.number - 1) * self.size : self.number * self.size]

    def numbers(self) -> list[int | None]:
        """The page numbers to link: the first, the last, this page and those either side of it;
        None stands for the pages left out between them (an ellipsis)."""
        wanted = sorted({1, self.pages, *range(self.number - 1, self.number + 2)})
        shown: list[int | None] = []
        for number in (n for n in wanted if 1 <= n <= self.pages):
            if shown and number - shown[-1] > 1:
                shown.append(None)
            shown.append(number)
        return shown


def page_of(text: str, *, size: int, count: int) -> tuple[Page, str]:
    """The page `?page=` asks for, and what was wrong with it ("" when nothing was): a value
    that is not a page number shows the first page, a number beyond the last the last page."""
    pages = Page(1, size, count).pages
    if not text:
        return Page(1, size, count), ""
    number = int(text) if PAGE_NUMBER.fullmatch(text) else 0
    if number < 1:
        problem = f"\u201c{text[:20]}\u201d is not a page number: showing page 1."
        return Page(1, size, count), problem
    if number > pages:
        return (
            Page(pages, size, count),
            f"There is no page {number}: showing page {pages}, the last.",
        )
    return Page(number, size, count), ""


@dataclass(frozen=True)
class PageLink:
    """One numbered link of the pagination; a number of None is the gap between two."""

    number: int | None
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pager:
    """A page of a list with the links to the others, each keeping the rest of the address's
    query (the filters, the quarter), for components/pagination.html."""

    page: Page
    problem: str = ""
    query: dict = field(default_factory=dict)

    def url(self, number: int) -> str:
        kept = {name: value for name, value in self.query.items() if value not in ("", None)}
        if number > 1:
            kept["page"] = number
        return "?" + urlencode(kept)

    @property
    def links(self) -> list[PageLink]:
        return [
            PageLink(number)
            if number is None
            else PageLink(number, self.url(number), number == self.page.number)
            for number in self.page.numbers()
        ]

    @property
    def previous_url(self) -> str:
        return self.url(self.page.number - 1)

    @property
    def next_url(self) -> str:
        return self.url(self.page.number + 1)


def pager_of(text: str, *, size: int, count: int, query: dict | None = None) -> Pager:
    """The page `?page=` asks for of a list of `count` items, with its links (see page_of)."""
    page, problem = page_of(text, size=size, count=count)
    return Pager(page, problem, dict(query or {}))
