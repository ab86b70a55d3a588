"""No import cycles between analogscan's subpackages (and top-level modules): walks every import,
including those inside functions, and fails naming the cycle."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "analogscan"


def _part(module: str) -> str | None:
    """analogscan.x.y → x when x is a subpackage or a top-level module (else None: the package itself)."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "analogscan":
        return None
    name = parts[1]
    return name if (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").is_file() else None


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(rel[:-1] if rel[-1] == "__init__" else rel)
        package = module if rel[-1] == "__init__" else ".".join(rel[:-1])
        source = _part(module)
        if source is None:
            continue
        edges = graph.setdefault(source, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                targets = [base, *(f"{base}.{a.name}" for a in node.names)]
            for target in targets:
                dest = _part(target)
                if dest is not None and dest != source:
                    edges.add(dest)
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for w in graph.get(stack.pop(), ()):
            if w not in seen:
                seen.add(w)
                stack.append(w)
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of nodes that reach each other (strongly connected components with more than one member)."""
    reach = {v: _reachable(graph, v) for v in graph}
    found: list[list[str]] = []
    for v in sorted(graph):
        component = sorted({v} | {w for w in reach[v] if v in reach.get(w, set())})
        if len(component) > 1 and component not in found:
            found.append(component)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_subpackages() -> None:
    graph = import_graph()
    assert {"detect", "report", "review", "batch", "ingest", "nlp", "techmap", "cli"} <= set(graph)
    assert cycles(graph) == [], "\n".join(f"{a} -> {b}" for a in sorted(graph) for b in sorted(graph[a]))


def test_the_lower_layers_do_not_reach_up() -> None:
    graph = import_graph()
    assert "techmap" not in graph["detect"]  # technology-map linking is a stage after detection
    assert "ingest" not in graph["nlp"]
    assert "report" not in graph["detect"]  # atomic writes and labels are neutral modules
    assert "review" not in graph["report"]  # finding identity lives in detect/identity.py
