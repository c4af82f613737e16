"""The one exception the readers raise: an input that cannot be read, named by a slug of the problem catalog."""

from __future__ import annotations


class IngestError(Exception):
    """An input we cannot read; carries a problem slug from the catalog and its template values."""

    def __init__(self, slug: str, **values: str) -> None:
        super().__init__(slug)
        self.slug = slug
        self.values = values
