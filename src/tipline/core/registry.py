"""One registry shape for everything that varies (importers, locators, later classifiers,
hash-bank formats, packet renderers): classes with a unique `name`, registered by decorator,
instantiated once, kept in registration order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, cls: Callable[[], T]) -> Callable[[], T]:
        """Class decorator: keep one instance of `cls` under its `name`."""
        instance = cls()
        if instance.name in self._items:
            raise ValueError(f"{self.kind} {instance.name!r} is registered twice")
        self._items[instance.name] = instance
        return cls

    def all(self) -> dict[str, T]:
        return dict(self._items)

    def values(self) -> list[T]:
        return list(self._items.values())
