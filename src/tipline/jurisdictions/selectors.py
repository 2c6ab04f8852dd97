"""Reads of the jurisdiction tree. The tree is small (about a thousand nodes) and changes
rarely, so it is held in memory per process and cleared when it is written."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tipline.jurisdictions.data import fold
from tipline.jurisdictions.models import Jurisdiction


@dataclass(frozen=True)
class Node:
    id: int
    code: str
    name: str
    kind: str
    path: str
    parent_id: int | None


@dataclass(frozen=True)
class Tree:
    by_id: dict[int, Node]
    by_code: dict[str, Node]
    #: folded name or alias -> state node, and (state code, folded name) -> district node
    state_by_name: dict[str, Node]
    district_by_name: dict[tuple[str, str], Node]

    def descendants(self, node_id: int) -> set[int]:
        prefix = self.by_id[node_id].path
        return {n.id for n in self.by_id.values() if n.path.startswith(prefix)}

    @property
    def root(self) -> Node:
        return self.by_code["IN"]


@lru_cache(maxsize=1)
def jurisdiction_tree() -> Tree:
    by_id: dict[int, Node] = {}
    state_by_name: dict[str, Node] = {}
    district_by_name: dict[tuple[str, str], Node] = {}
    for j in Jurisdiction.objects.all().only(
        "id", "code", "name", "kind", "path", "parent_id", "aliases"
    ):
        node = Node(j.id, j.code, j.name, j.kind, j.path, j.parent_id)
        by_id[j.id] = node
        if j.kind == Jurisdiction.Kind.STATE:
            short = j.code.split("-", 1)[1]
            for name in [j.name, short, j.code, *j.aliases]:
                state_by_name[fold(name)] = node
        elif j.kind == Jurisdiction.Kind.DISTRICT:
            state = j.path.split("/")[1]
            for name in [j.name, *j.aliases]:
                district_by_name[(state, fold(name))] = node
    return Tree(
        by_id=by_id,
        by_code={n.code: n for n in by_id.values()},
        state_by_name=state_by_name,
        district_by_name=district_by_name,
    )


def jurisdiction_cache_clear() -> None:
    jurisdiction_tree.cache_clear()


def jurisdiction_place(*, state: str | None, district: str | None) -> Node | None:
    """The most specific node named by a state and district (names, codes or aliases)."""
    tree = jurisdiction_tree()
    node = tree.state_by_name.get(fold(state)) if state else None
    if node is None:
        return None
    if district:
        short = node.code.split("-", 1)[1]
        return tree.district_by_name.get((short, fold(district)), node)
    return node


def jurisdiction_states() -> list[Node]:
    return sorted(
        (n for n in jurisdiction_tree().by_id.values() if n.kind == Jurisdiction.Kind.STATE),
        key=lambda n: n.name,
    )
