"""The house rules a reader relies on: one package per stage with its entry function, no import cycle, no huge file."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "briefing"
STAGES = {"ingest": "ingest", "clean": "clean", "summarize": "summarize", "compose": "compose", "render": "render"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports when it is imported (module level, not inside functions)."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges: set[str] = set()
        for node in tree.body:  # top level only: imports inside functions are lazy on purpose
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            found: list[str] = []
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                # `from pkg import submodule` needs the submodule; `from pkg import name` needs pkg's __init__.
                submodules = [f"{node.module}.{alias.name}" for alias in node.names]
                found = [s for s in submodules if s in modules]
                if len(found) < len(submodules):
                    found.append(node.module)
            edges.update(target for target in found if target in modules and target != name)
        graph[name] = edges
    return graph


def test_each_stage_is_a_package_exporting_its_entry_function():
    for package, function in STAGES.items():
        module = importlib.import_module(f"briefing.{package}")
        assert (PACKAGE / package / "__init__.py").is_file()
        assert callable(getattr(module, function)), f"briefing.{package} must export {function}()"


def test_no_import_cycle_among_the_projects_modules():
    graph = import_graph()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for target in sorted(graph[name]):
            # A package's __init__ importing its own submodule is how a package exposes its entry: not a cycle
            # unless the submodule imports the package back (caught when we follow that edge).
            if state.get(target) == 1:
                cycle = [*stack[stack.index(target) :], target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_import_graph_sees_real_edges():
    """The cycle check above is only as good as the graph: it must see the pipeline's imports."""
    graph = import_graph()
    assert "briefing.clean" in graph["briefing.pipeline"]
    assert "briefing.summarize.registry" in graph["briefing.summarize"]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_much_over_400_lines(path: Path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 450, f"{path.name}: split it into named parts"
