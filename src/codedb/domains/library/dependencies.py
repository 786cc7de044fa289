"""Dependencies (db.dependencies): what a function depends on, directly or transitively,
cycles, and the graph as DOT (sql/library/dependencies.sql)."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins

from ...core.convert import params
from ...errors import Conflict, NotFound
from .base import MAX_CYCLES, _Part
from .records import (
    DependencyEntry,
    FunctionDependency,
)


class Dependencies(_Part):
    """Dependencies between functions, kept free of cycles."""

    def add(self, function_id: str, depends_on_id: str) -> None:
        """Record that `function_id` depends on `depends_on_id`; refuses a dependency on itself
        and one that would close a cycle, naming the cycle."""
        functions = self.db.functions
        with self.db.transaction():
            # The cycle check reads the graph: two adds at once (A -> B, B -> A) each saw no
            # path and closed a cycle. One add at a time reads the other's edge.
            self.db.lock_record("function_dependencies", "the graph")
            source, target = functions.get(function_id), functions.get(depends_on_id)
            if function_id == depends_on_id:
                raise Conflict(f"function {source.name} ({function_id}) cannot depend on itself")
            path = self._path(depends_on_id, function_id)
            if path:
                names = {fid: functions.get(fid).name for fid in path}
                cycle = " -> ".join(names[fid] for fid in [function_id, *path])
                raise Conflict(
                    f"{source.name} cannot depend on {target.name}: that would close the cycle "
                    f"{cycle}; remove one of its dependencies first"
                )
            self.sql.load_function_dependencies(
                self.conn, [params(FunctionDependency(function_id, depends_on_id))]
            )

    def _path(self, start_id: str, goal_id: str) -> builtins.list[str]:
        """The shortest dependency path from start to goal (both included), or []."""
        edges: dict[str, list[str]] = {}
        for source, target in self.sql.reachable_edges(self.conn, start_id=start_id):
            edges.setdefault(source, []).append(target)
        parents: dict[str, str | None] = {start_id: None}
        frontier = [start_id]
        while frontier and goal_id not in parents:
            following = []
            for node in frontier:
                for nxt in edges.get(node, ()):
                    if nxt not in parents:
                        parents[nxt] = node
                        following.append(nxt)
            frontier = following
        if goal_id not in parents:
            return []
        path: builtins.list[str] = []
        step: str | None = goal_id
        while step is not None:
            path.append(step)
            step = parents[step]
        return path[::-1]

    def remove(self, function_id: str, depends_on_id: str) -> None:
        """Forget a dependency; NotFound if it was not recorded."""
        with self.db.transaction():
            deleted = self.sql.delete_dependency(
                self.conn, function_id=function_id, depends_on_id=depends_on_id
            )
            if deleted == 0:
                raise NotFound(
                    f"function {function_id} does not depend on {depends_on_id}; "
                    f"list its dependencies with 'codedb list-dependencies --function-id {function_id}'"
                )

    def list(self, function_id: str, *, transitive: bool = False) -> builtins.list[DependencyEntry]:
        """What a function depends on: directly (depth 1), or transitively with shortest depths."""
        self.db.functions.get(function_id)
        query = self.sql.list_transitive_dependencies if transitive else self.sql.list_direct_dependencies
        return query(self.conn, function_id=function_id)

    def dependents(self, function_id: str) -> builtins.list[DependencyEntry]:
        """The functions that depend directly on a function."""
        return self.sql.list_dependents(self.conn, function_id=function_id)

    def edges(self) -> builtins.list[tuple[str, str, str, str]]:
        """Every edge as (function_id, name, depends_on_id, its name)."""
        return [tuple(row) for row in self.sql.list_all_dependencies(self.conn)]

    def cycles(self) -> builtins.list[builtins.list[DependencyEntry]]:
        """The dependency cycles present (from imports or direct SQL writes): each a list of
        the functions on it, as strongly connected groups."""
        rows = self.sql.list_functions_on_cycles(self.conn)
        on_cycle = {entry.function_id: entry for entry in rows}
        reach = {fid: self._reachable(fid) for fid in on_cycle}  # a node on a cycle reaches itself
        groups: builtins.list[builtins.list[DependencyEntry]] = []
        seen: set[str] = set()
        for fid in on_cycle:
            if fid not in seen:
                group = [on_cycle[other] for other in on_cycle if other in reach[fid] and fid in reach[other]]
                seen.update(entry.function_id for entry in group)
                groups.append(group)
        return groups

    def elementary_cycles(self, limit: int = MAX_CYCLES) -> builtins.list[tuple[str, ...]]:
        """Each dependency cycle once, as the ids on it from its smallest id (without repeating
        it), sorted; at most `limit` of them. A cycle is found from its smallest node by a walk
        that visits only larger ones, so no cycle is found twice."""
        on_cycle = {e.function_id for e in self.sql.list_functions_on_cycles(self.conn)}
        graph: dict[str, builtins.list[str]] = {}
        for source, _, target, _ in self.edges():
            if source in on_cycle and target in on_cycle:
                graph.setdefault(source, []).append(target)
        found: builtins.list[tuple[str, ...]] = []
        for start in sorted(on_cycle):
            path, on_path = [start], {start}
            stack = [iter(sorted(graph.get(start, ())))]
            while stack and len(found) < limit:
                for following in stack[-1]:
                    if following == start:
                        found.append(tuple(path))
                    elif following > start and following not in on_path:
                        path.append(following)
                        on_path.add(following)
                        stack.append(iter(sorted(graph.get(following, ()))))
                        break
                else:
                    stack.pop()
                    on_path.discard(path.pop())
        return sorted(found[:limit])

    def _reachable(self, start_id: str) -> set[str]:
        return {target for _, target in self.sql.reachable_edges(self.conn, start_id=start_id)}

    def to_dot(self) -> str:
        """The dependency graph in Graphviz DOT: an arrow from each function to what it uses."""

        def quote(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

        lines = ["digraph dependencies {", "  rankdir=LR;", "  node [shape=box];"]
        for fid, name in self.sql.list_dependency_nodes(self.conn):
            lines.append(f"  {quote(fid)} [label={quote(name)}];")
        for source, _, target, _ in self.edges():
            lines.append(f"  {quote(source)} -> {quote(target)};")
        lines.append("}")
        return "\n".join(lines) + "\n"
