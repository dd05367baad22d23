"""One pagination shape for HTML pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
MAX_PER_PAGE = 100


@dataclass
class Page(Generic[T]):
    total: int
    page: int
    per_page: int
    items: list[T] = field(default_factory=list)

    @classmethod
    def build(cls, total: int, page: int, per_page: int) -> Page[T]:
        per_page = max(1, min(per_page, MAX_PER_PAGE))
        return cls(total=total, page=max(1, page), per_page=per_page)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages
