"""The shape of networks/ (docs/architecture.md): layers import downward only, every module belongs
to a layer, no module reaches into another's private names, packages re-export nothing, and no
module outgrows about 600 lines.

Reads the source (every import, also those inside functions), imports nothing.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "networks"
LINE_LIMIT = 620  # "about 600": split a module by subject when it passes 600

# Layer of a module, from its dotted name under networks.
LAYERS = {
    "lib": "lib",
    "models": "models",
    "rules": "rules",
    "access": "access",
    "selectors": "selectors",
    "files": "files",
    "services": "services",
    "forms": "forms",
    "views": "views",
    "urls": "urls",
    "api": "api",
    "seed": "seed",
    "management": "commands",
    "admin": "admin",
    "templatetags": "templatetags",
    "formats": "formats",
    # The session store and its model are a pair (UserSession names its store): models layer.
    "sessions": "models",
    "signals": "signals",
    "apps": "apps",
    # The background jobs (Procrastinate finds networks/tasks.py): thin calls into services.
    "tasks": "tasks",
}

# Who may import whom (layers of networks.*). A layer may import itself, with the limits below.
ALLOWED = {
    "lib": {"lib"},
    "formats": set(),
    "models": {"lib", "models"},
    "rules": {"lib", "models"},
    "access": {"lib", "models", "rules"},
    "selectors": {"lib", "models", "rules", "access", "selectors"},
    "files": {"lib", "models", "rules", "access", "selectors", "files"},
    "services": {"lib", "models", "rules", "access", "selectors", "files", "services"},
    "forms": {"lib", "models", "rules", "access", "selectors", "services", "files", "forms"},
    "api.input": set(),
    "api.serializers": {"lib", "models", "rules", "access", "selectors", "services",
                        "api.input", "api.serializers"},
    "api": {"lib", "models", "rules", "access", "selectors", "services", "files",
            "api.input", "api.serializers", "api"},
    "views": {"lib", "models", "rules", "access", "selectors", "services", "files", "forms",
              "views"},
    "urls": {"views"},
    # The form_token tag renders the field that views.common.once_per_form reads.
    "templatetags": {"lib", "views"},
    "seed": {"lib", "models", "rules", "access", "selectors", "services", "files", "seed"},
    "commands": {"lib", "models", "selectors", "services", "seed"},
    "admin": {"lib", "models", "forms", "services"},
    "signals": {"models", "services"},  # receivers: model events that call a service
    "apps": {"signals"},
    "tasks": {"lib", "models", "rules", "selectors", "services"},
}  # fmt: skip

# Inside one layer, the only sideways imports: the shared helpers of that layer.
SAME_LAYER_ONLY = {
    "views": {"networks.views.common"},
    "forms": {"networks.forms.common"},
    "api.serializers": {"networks.api.serializers.common"},
    # api views: their base classes and the mixins every endpoint shares; api.urls imports every
    # api view.
    "api": {"networks.api.views.common", "networks.api.errors", "networks.api.idempotency"},
}
# Sideways imports that the layer table allows for one importer only.
TEMPLATETAG_IMPORTS = {"networks.views.common"}
# Selector modules that only views and the API read (they read every other selector).
TOP_SELECTORS = ("networks.selectors.network_page", "networks.selectors.dashboard")


def _modules():
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        if "migrations" in rel.parts:
            continue
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the package itself
    if parts[1] == "api" and len(parts) > 2 and parts[2] in ("serializers", "input"):
        return f"api.{parts[2]}"
    return LAYERS.get(parts[1])


def _imports(module: str, path: Path):
    """(line, imported module, imported names) for every import of networks code."""
    tree = ast.parse(path.read_text())
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "networks":
                    yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([target] if target else []))
            if target.split(".")[0] != "networks":
                continue
            names = [alias.name for alias in node.names]
            yield node.lineno, target, names


def _resolved(target: str, names: list[str]) -> list[tuple[str, str | None]]:
    """`from networks.services import lifecycle` imports the module networks.services.lifecycle."""
    found = []
    for name in names or [None]:
        candidate = f"{target}.{name}" if name else target
        as_path = ROOT / Path(*candidate.split("."))
        if name and (as_path.with_suffix(".py").exists() or (as_path / "__init__.py").exists()):
            found.append((candidate, None))
        else:
            found.append((target, name))
    return found


def _violations():
    problems = []
    for module, path in _modules():
        layer = _layer(module)
        if layer is None:
            continue
        for line, target, names in _imports(module, path):
            where = f"{path.relative_to(ROOT)}:{line}"
            if target == "networks":
                bad = [n for n in names if n not in ("access", "rules")]
                if bad:
                    problems.append(
                        f"{where}: import the module itself, not `from networks import {', '.join(bad)}`"
                    )
                    continue
            for imported, name in _resolved(target, names):
                other = _layer(imported)
                if other is None:
                    continue
                if name and name.startswith("_") and imported != module:
                    problems.append(f"{where}: {imported}.{name} is private to its module")
                if other not in ALLOWED[layer]:
                    problems.append(f"{where}: {layer} may not import {other} ({imported})")
                elif other == layer and imported != module:
                    shared = SAME_LAYER_ONLY.get(layer)
                    if shared is not None and not (
                        imported in shared or (layer == "api" and module == "networks.api.urls")
                    ):
                        problems.append(f"{where}: {module} may not import {imported} (same layer)")
                    if (
                        layer == "selectors"
                        and imported.startswith(TOP_SELECTORS)
                        and not module.startswith(TOP_SELECTORS)
                    ):
                        problems.append(f"{where}: only views and the API read {imported}")
                if imported.startswith("networks.views") and layer == "api":
                    problems.append(f"{where}: the API never imports a page view ({imported})")
                if (
                    layer == "templatetags"
                    and other == "views"
                    and imported not in TEMPLATETAG_IMPORTS
                ):
                    problems.append(f"{where}: a template tag may read only {TEMPLATETAG_IMPORTS}")
    return problems


def test_every_module_belongs_to_a_layer():
    """A new module goes into a layer's package (docs/architecture.md says which), not beside it."""
    stray = [str(path.relative_to(ROOT)) for module, path in _modules()
             if module != "networks" and _layer(module) is None]  # fmt: skip
    assert not stray, stray


def test_layers_import_downward_only():
    problems = list(dict.fromkeys(_violations()))
    assert not problems, "\n".join(problems)


def test_packages_re_export_nothing():
    """`from networks.services import x` always means the module x; models/ alone re-exports
    its classes (Django's app registry, the migrations and `from networks.models import X`)."""
    offenders = []
    for init in APP.rglob("__init__.py"):
        if "migrations" in init.parts or init.parent == APP / "models":
            continue
        tree = ast.parse(init.read_text())
        if any(isinstance(n, ast.Import | ast.ImportFrom) for n in ast.walk(tree)):
            offenders.append(str(init.relative_to(ROOT)))
    assert not offenders, offenders


@pytest.mark.parametrize("folder", ["networks", "tests"])
def test_no_module_outgrows_about_600_lines(folder):
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
        and (count := len(path.read_text().splitlines())) > LINE_LIMIT
    }
    assert not too_long, too_long
