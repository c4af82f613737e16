"""Agency names as the summary groups and matches them: a body's title name, its 简称 and former names (the run
configuration's `agency_aliases`, and the packs'), one body.

Each comparison is auditor.store.agency's (same_body: 「人民政府」 ~ 「政府」, white space, a leading 省/市): the
summary must call two names one body exactly when the store's cross-year lookup does. No looser matching: a bare
「市政府办公室」 could be any city's, so a roster that writes it needs an alias saying whose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from auditor.store.agency import normal_agency, same_body


class Bodies:
    """The alias groups of a configuration: `aliases` maps a body's title name to its other names."""

    def __init__(self, aliases: Mapping[str, Iterable[str]] | None = None) -> None:
        self._groups = [(name, (name, *others)) for name, others in (aliases or {}).items()]

    def canonical(self, name: str) -> str:
        """The title name of the group `name` belongs to (the first such group, in the configuration's order), or
        `name` itself when it is in none."""
        for title, members in self._groups:
            if any(same_body(name, member) for member in members):
                return title
        return name

    def names(self, name: str) -> tuple[str, ...]:
        """`name` and every other name of the groups it belongs to (what the body may have been called in another
        year's report)."""
        found = [name]
        for _title, members in self._groups:
            if any(same_body(name, member) for member in members):
                found.extend(m for m in members if m not in found)
        return tuple(found)

    def key(self, name: str) -> str:
        """What groups documents of one body: the normalised canonical name."""
        return normal_agency(self.canonical(name))

    def same(self, a: str, b: str) -> bool:
        """Whether two names denote one body: directly, or through the groups each belongs to."""
        return same_body(a, b) or same_body(self.canonical(a), self.canonical(b))
