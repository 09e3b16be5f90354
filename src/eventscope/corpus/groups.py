"""Connected groups (union-find): which items end up together when pairs are joined.

Stories and aggregated events are both the connected components of a "same as" relation, so
the result depends only on the pairs, never on the order items arrived in.
"""

from __future__ import annotations


class Groups:
    """Items 0..n-1, each starting alone; ``join(a, b)`` merges their groups."""

    def __init__(self, n: int) -> None:
        self._parent = list(range(n))

    def find(self, item: int) -> int:
        parent = self._parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:  # path compression
            parent[item], item = root, parent[item]
        return root

    def join(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            # The lower index stays the root: items are numbered in rank order, so a group's
            # root is its first item whatever order the pairs were joined in.
            if root_b < root_a:
                root_a, root_b = root_b, root_a
            self._parent[root_b] = root_a

    def first(self, item: int) -> int:
        """The lowest-numbered item of ``item``'s group."""
        return self.find(item)
