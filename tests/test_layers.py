"""The apps sit in layers and import one way (README "Layout", STYLE.md rule 16).

Every import of the project's code is read from the source, including imports
inside functions, so a lazy import cannot hide an upward dependency or an
import circle.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# From the top down. A package may import those below it, never one above it
# nor a sibling of its own layer.
LAYERS: list[tuple[str, ...]] = [
    ("bench", "bin"),  # scripts: benchmark, CI gates
    ("policing",),  # the project package: settings, URLs, home page, wiring
    ("seeds",),  # demo and volume data, through every app's services
    ("reports",),  # reads every domain app
    ("incidents", "volunteers", "enterprises"),  # each *becomes* a dispute
    ("disputes",),  # the Fengqiao flow
    ("notifications",),  # sending a notification: every app may call it
    ("units",),  # the ground floor: units, officers, roles, scope, accounts
]
LAYER_OF = {package: depth for depth, packages in enumerate(LAYERS) for package in packages}


def _modules() -> dict[str, Path]:
    found = {}
    for package in LAYER_OF:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(path: Path, module: str) -> set[str]:
    """Every project module ``path`` imports, wherever the import statement is."""
    names = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names.add(base)
            # "from reports import queue" imports the module reports.queue.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] in LAYER_OF}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    edges = {}
    for module, path in modules.items():
        edges[module] = {name for name in _imports(path, module) if name in modules} - {module}
    return edges


def test_no_package_imports_one_above_it_or_a_sibling(graph):
    wrong = []
    for module, targets in graph.items():
        source = module.split(".")[0]
        for target in targets:
            package = target.split(".")[0]
            if package != source and LAYER_OF[package] <= LAYER_OF[source]:
                wrong.append(f"{module} imports {target}")
    assert wrong == [], "imports against the layers:\n" + "\n".join(sorted(wrong))


def test_no_import_circles(graph):
    # Tarjan's strongly connected components over modules.
    index, low, stack, on_stack, circles = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == [], f"import circles: {circles}"


def test_the_project_package_holds_no_model():
    from django.apps import apps

    assert list(apps.get_app_config("policing").get_models()) == []


def test_the_check_sees_upward_and_lazy_imports(tmp_path):
    """The reader itself: an import inside a function is found like any other."""
    source = tmp_path / "sample.py"
    source.write_text("def f():\n    from reports import queue\n    import disputes.models\n")
    assert _imports(source, "units.sample") == {
        "reports", "reports.queue", "disputes.models",
    }


def test_every_app_package_is_placed_in_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYER_OF), f"apps missing from LAYERS: {apps - set(LAYER_OF)}"
    by_depth = defaultdict(list)
    for package, depth in LAYER_OF.items():
        by_depth[depth].append(package)
    assert by_depth[len(LAYERS) - 1] == ["units"]
