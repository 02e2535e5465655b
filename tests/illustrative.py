"""The check that every illustrative figure on a page carries its label.

A figure that rests on illustrative data (a record whose is_illustrative is set: the demo's
generated actuals, monthly budget figures, risks, milestones and recommendations) is shown
inside an element marked `data-illustrative`, which holds the one label,
templates/components/illustrative_label.html. This module finds:

- an element marked `data-illustrative` without the label;
- a RAG status (a tag reading Green, Amber or Red) outside a marked element, where every actual
  and every counted recommendation is illustrative, as in the demo;
- an element the caller names (by XPath) as showing illustrative figures, outside a marked
  element: the heat map's squares, the recommendation counts, the variance figures.
"""

import lxml.html

LABEL_CLASS = "app-illustrative-label"
RAG_LABELS = {"Green", "Amber", "Red"}
MARKED = "ancestor-or-self::*[@data-illustrative]"


def _with_class(name: str) -> str:
    return f"*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


def _describe(element) -> str:
    text = " ".join(element.text_content().split())
    return f"<{element.tag} {dict(element.attrib)}>{text[:80]}"


def _has_label(element) -> bool:
    return bool(element.xpath(f".//{_with_class(LABEL_CLASS)}"))


def unlabelled_illustrative(
    html: str, *, rag_is_illustrative: bool = False, figures: tuple[str, ...] = ()
) -> list[str]:
    """What on the page shows an illustrative figure without its label, described; [] when
    nothing does. `rag_is_illustrative`: every RAG status rests on illustrative data (the
    demo's), so each must be marked. `figures`: XPaths of elements that show illustrative
    figures on this page, each of which must be marked."""
    page = lxml.html.fromstring(html)
    found = [
        f"marked illustrative without the label: {_describe(element)}"
        for element in page.xpath("//*[@data-illustrative]")
        if not _has_label(element)
    ]
    if rag_is_illustrative:
        tags = page.xpath(f"//{_with_class('govuk-tag')}")
        found += [
            f"a RAG status not marked illustrative: {_describe(tag)}"
            for tag in tags
            if tag.text_content().strip() in RAG_LABELS and not tag.xpath(MARKED)
        ]
    for xpath in figures:
        found += [
            f"an illustrative figure not marked ({xpath}): {_describe(element)}"
            for element in page.xpath(xpath)
            if not element.xpath(MARKED)
        ]
    return found
