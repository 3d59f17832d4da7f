"""No e-mail is sent inside a request: no view or API module calls Django's mail functions or a
mail backend; the services defer a job and a worker sends (networks/tasks.py). Also, only the
worker's side (services.notifications) sends at all, and the password reset page's form
defers its mail.

Reads the source (every call and import, also inside functions); imports nothing.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "networks"
MAIL_NAMES = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers"}
MAIL_METHODS = {"send", "send_messages"}  # EmailMessage(...).send(), backend.send_messages()
MAIL_MODULES = ("django.core.mail", "smtplib")
# The one module that sends, run by workers only.
SENDERS = {APP / "services" / "notifications.py"}


def _mail_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    mail_aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(MAIL_MODULES):
            found.append(f"{path.name}:{node.lineno} imports from {node.module}")
            mail_aliases.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(MAIL_MODULES):
                    found.append(f"{path.name}:{node.lineno} imports {alias.name}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in MAIL_NAMES or (name == "get_connection" and name in mail_aliases):
                found.append(f"{path.name}:{node.lineno} calls {name}")
            if name in MAIL_METHODS and isinstance(func, ast.Attribute):
                target = func.value
                called = getattr(getattr(target, "func", None), "id", "")
                if called in mail_aliases or "mail" in ast.unparse(target).lower():
                    found.append(f"{path.name}:{node.lineno} calls {ast.unparse(func)}")
    return found


def _modules(*folders: str):
    for folder in folders:
        yield from sorted((APP / folder).rglob("*.py"))


def test_no_view_or_api_module_sends_mail():
    uses = [use for path in _modules("views", "api") for use in _mail_uses(path)]
    uses += _mail_uses(ROOT / "profo" / "urls.py")
    assert uses == []


def test_only_the_workers_side_sends_mail():
    every = [p for p in APP.rglob("*.py") if "migrations" not in p.parts and p not in SENDERS]
    assert [use for path in every for use in _mail_uses(path)] == []
    assert _mail_uses(APP / "services" / "notifications.py")  # the check does see a sender


def test_the_password_reset_form_defers_its_mail():
    source = (APP / "forms" / "accounts.py").read_text()
    tree = ast.parse(source)
    form = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef))
    methods = {n.name: n for n in form.body if isinstance(n, ast.FunctionDef)}
    assert set(methods) == {"save"}  # Django's save would look the accounts up and send
    calls = [ast.unparse(n.func) for n in ast.walk(methods["save"]) if isinstance(n, ast.Call)]
    assert calls == ["jobs.defer"]
    urls = (ROOT / "profo" / "urls.py").read_text()
    assert urls.index('"accounts/password_reset/"') < urls.index("django.contrib.auth.urls")


def test_the_check_catches_a_view_that_sends(tmp_path):
    view = tmp_path / "view.py"
    view.write_text(
        "from django.core.mail import send_mail, EmailMessage\n"
        "def v(request):\n"
        "    send_mail('s', 'b', None, ['a@b.c'])\n"
        "    EmailMessage('s', 'b', None, ['a@b.c']).send()\n"
    )
    assert len(_mail_uses(view)) == 3
