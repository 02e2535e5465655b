"""What a page and its exports share, kept in the app server's process until the records
change (core.caching.kept_here)."""

from core import caching


def test_what_is_kept_here_is_built_once_and_is_the_same_object():
    builds = []

    def build():
        builds.append(1)
        return {"figures": [1, 2, 3]}

    first = caching.kept_here("sums", "version-1", build=build)
    again = caching.kept_here("sums", "version-1", build=build)
    assert again is first
    assert len(builds) == 1
    changed = caching.kept_here("sums", "version-2", build=build)
    assert changed is not first
    assert len(builds) == 2


def test_only_the_latest_are_kept_here_and_forgetting_all_forgets_them():
    for number in range(caching.MOST_KEPT_HERE + 1):
        caching.kept_here("number", number, build=lambda number=number: [number])
    builds = []

    def build(number):
        builds.append(number)
        return [number]

    # The first was forgotten to make room for the last; the one read most lately is kept.
    caching.kept_here("number", caching.MOST_KEPT_HERE, build=lambda: build("last"))
    caching.kept_here("number", 0, build=lambda: build("first"))
    assert builds == ["first"]
    caching.forget_all()
    caching.kept_here("number", caching.MOST_KEPT_HERE, build=lambda: build("last"))
    assert builds == ["first", "last"]
