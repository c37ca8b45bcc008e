"""The apps import in one direction, read from the source (every import, also those inside
functions, and every model named by a string, as ``ForeignKey("rma.Event")`` names one):
policies and tenancy are the ground floor, notifications is infrastructure that
knows nothing of the domain, rma is the domain, and the API, the admin, the management
commands and the portal's pages stand on top. No cycle between apps, and none between the
modules of notifications."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("policies", "tenancy", "notifications", "rma", "api", "portal")
# Lower floors never import higher ones. The top floor's parts may use each other, but never
# in a cycle (checked below).
FLOORS = {
    "policies": 0,
    "tenancy": 1,
    "notifications": 2,
    "rma": 3,
    "api": 4,
    "portal": 4,
    "admin": 4,
}
# Parts of an app that are edges, not the app's layer: each app's admin and its management
# commands are user interfaces on top of everything.
EDGE_PACKAGES = ("admin", "management")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


@cache
def sources() -> dict[str, Path]:
    """Every module of the apps, migrations aside (they are history, frozen as written)."""
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            found[module_name(path)] = path
    return found


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package(path) else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


# Fields that name their model by a string ("app_label.Model"): a dependency on that app's
# models as real as an import, that Django resolves when the apps load.
RELATION_FIELDS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField"})


def _lazy_model_reference(node: ast.Call) -> str | None:
    """``rma.models`` for ``models.ForeignKey("rma.Event", ...)``; None for anything else."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in RELATION_FIELDS:
        return None
    target = (
        node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "to"), None)
    )
    if not (isinstance(target, ast.Constant) and isinstance(target.value, str)):
        return None
    app_label, _dot, model = target.value.rpartition(".")
    return f"{app_label}.models" if app_label and model else None


def imports_of(module: str, source: str | None = None) -> Iterator[tuple[str, int]]:
    """The modules ``module`` imports (most specific known name), with the line of each."""
    path = sources()[module]
    tree = ast.parse(source if source is not None else path.read_text(), filename=str(path))
    known = sources()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (referenced := _lazy_model_reference(node)):
            yield referenced, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path, node)
            for alias in node.names:
                # ``from notifications import emails`` imports the module notifications.emails.
                sub = f"{target}.{alias.name}"
                yield (sub if sub in known else target), node.lineno


def unit_of(module: str) -> str | None:
    """The part of the layering a module belongs to: its app, or ``admin`` for an edge."""
    parts = module.split(".")
    if parts[0] not in APPS:
        return None
    if parts[0] != "policies" and any(p in EDGE_PACKAGES for p in parts[1:]):
        return "admin"
    return parts[0]


def unit_edges(modules: dict[str, str | None] | None = None) -> dict[tuple[str, str], list[str]]:
    """(importing unit, imported unit) -> where, for every import that crosses units.

    ``modules`` maps module names to replacement source, for the test of this test."""
    edges: dict[tuple[str, str], list[str]] = {}
    for module in sources():
        source = (modules or {}).get(module)
        for target, line in imports_of(module, source):
            a, b = unit_of(module), unit_of(target)
            if a and b and a != b:
                edges.setdefault((a, b), []).append(f"{module}:{line} imports {target}")
    return edges


def against_the_direction(edges) -> list[str]:
    return [
        where
        for (a, b), places in sorted(edges.items())
        if FLOORS[b] > FLOORS[a]
        for where in places
    ]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def unit_cycles(edges) -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    return cycles(graph)


def notifications_cycles(modules: dict[str, str] | None = None) -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for module in sources():
        if unit_of(module) != "notifications":
            continue
        for target, _line in imports_of(module, (modules or {}).get(module)):
            if target != module and unit_of(target) == "notifications":
                graph.setdefault(module, set()).add(target)
    return cycles(graph)


def test_no_import_against_the_layering() -> None:
    assert against_the_direction(unit_edges()) == []


def test_no_import_cycle_between_apps() -> None:
    edges = unit_edges()
    assert unit_cycles(edges) == [], {k: v for k, v in edges.items() if k[::-1] in edges}


def test_no_import_cycle_inside_notifications() -> None:
    assert notifications_cycles() == []


def test_policies_import_no_django_and_no_app() -> None:
    bad = [
        f"{module}:{line} imports {target}"
        for module in sources()
        if unit_of(module) == "policies"
        for target, line in imports_of(module)
        if target.split(".")[0] in {"django", *APPS} - {"policies"}
    ]
    assert bad == []


@pytest.mark.parametrize(
    ("module", "line", "expect"),
    [
        # The domain reaching up into the API.
        ("rma.services", "from api.models import ApiKey", "against"),
        # Infrastructure reaching into the domain, inside a function.
        ("notifications.outbox", "def f():\n    from rma.models import Order\n", "against"),
        # Infrastructure naming a domain model by a string, as a foreign key does.
        (
            "notifications.models",
            "class Stray(TenantModel):\n"
            "    event = models.ForeignKey('rma.Event', on_delete=models.CASCADE)\n",
            "against",
        ),
        # The ground floor reaching up.
        ("tenancy.models", "import notifications.models", "against"),
        ("policies.base", "from rma import models", "against"),
    ],
)
def test_a_forbidden_import_is_caught(module: str, line: str, expect: str) -> None:
    source = sources()[module].read_text() + "\n\n" + line + "\n"
    assert against_the_direction(unit_edges({module: source}))


def test_a_cycle_is_caught() -> None:
    """A cycle between two top-floor parts breaks no floor, and is caught as a cycle."""
    source = sources()["api.urls"].read_text() + "\n\nfrom portal import urls\n"
    source_p = sources()["portal.urls"].read_text() + "\n\nimport api.urls\n"
    edges = unit_edges({"api.urls": source, "portal.urls": source_p})
    assert against_the_direction(edges) == []
    assert any({"api", "portal"} <= set(group) for group in unit_cycles(edges))


def test_a_cycle_inside_notifications_is_caught() -> None:
    source = sources()["notifications.models"].read_text() + "\n\nfrom . import outbox\n"
    assert notifications_cycles({"notifications.models": source})


def test_portal_links_are_built_in_the_portal() -> None:
    """The portal's pages are reversed only where they live (``portal``), and by the edges on
    top; the domain and the infrastructure ask ``rma.links``, the API asks ``portal.links``."""
    reversing = [
        module
        for module, path in sources().items()
        if unit_of(module) in {"rma", "notifications", "api"}
        and re.search(r"""reverse\(\s*f?["']portal:""", path.read_text())
    ]
    assert reversing == []
    registered = sources()["portal.apps"].read_text()
    assert re.search(r"from \.links import [\w, ]*\bportal_link\b", registered)
