"""Pages of a long list, as GOV.UK's pagination shows them: tested without the database."""

import pytest

from core.pagination import Page, PageLink, Pager, page_of, pager_of


@pytest.mark.parametrize(
    ("number", "count", "first", "last", "pages"),
    [
        (1, 0, 0, 0, 1),  # an empty list is one empty page
        (1, 100, 1, 100, 1),
        (1, 101, 1, 100, 2),
        (2, 101, 101, 101, 2),
        (3, 250, 201, 250, 3),
    ],
)
def test_a_page_holds_its_share_of_the_list(number, count, first, last, pages):
    page = Page(number, 100, count)
    assert (page.first, page.last, page.pages) == (first, last, pages)
    held = page.slice(list(range(1, count + 1)))
    assert held == (list(range(first, last + 1)) if count else [])


@pytest.mark.parametrize(
    ("number", "pages", "shown"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 10, [1, 2, None, 10]),
        (5, 10, [1, None, 4, 5, 6, None, 10]),
        (3, 10, [1, 2, 3, 4, None, 10]),
        (10, 10, [1, None, 9, 10]),
    ],
)
def test_it_links_the_first_last_and_neighbouring_pages_with_gaps_between(number, pages, shown):
    assert Page(number, 1, pages).numbers() == shown


@pytest.mark.parametrize(
    ("text", "number", "problem"),
    [
        ("", 1, ""),
        ("2", 2, ""),
        ("3", 3, ""),
        ("4", 3, "There is no page 4: showing page 3, the last."),
        ("0", 1, "“0” is not a page number: showing page 1."),
        ("-1", 1, "“-1” is not a page number: showing page 1."),
        ("1_0", 1, "“1_0” is not a page number: showing page 1."),
        ("٣", 1, "“٣” is not a page number: showing page 1."),
        ("9" * 40, 1, f"“{'9' * 20}” is not a page number: showing page 1."),
    ],
)
def test_a_page_asked_for_that_does_not_exist_is_replaced_and_said_so(text, number, problem):
    page, said = page_of(text, size=10, count=25)
    assert (page.number, said) == (number, problem)


def test_a_pager_links_each_page_keeping_the_filters_and_leaving_out_page_1():
    # 112 indicators at 50 a page: pages 1 to 3, page 2 shown.
    pager = Pager(Page(2, 50, 112), query={"quarter": 4, "owner": "", "tier": "key"})
    assert pager.previous_url == "?quarter=4&tier=key"
    assert pager.next_url == "?quarter=4&tier=key&page=3"
    assert pager.links == [
        PageLink(1, "?quarter=4&tier=key", False),
        PageLink(2, "?quarter=4&tier=key&page=2", True),
        PageLink(3, "?quarter=4&tier=key&page=3", False),
    ]


def test_a_pager_says_what_was_wrong_with_the_page_asked_for():
    pager = pager_of("7", size=50, count=112)
    assert pager.page.number == 3
    assert pager.problem == "There is no page 7: showing page 3, the last."
