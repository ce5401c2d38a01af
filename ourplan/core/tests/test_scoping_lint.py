"""A lint: pages and the API reach people's data only through `visible_to` (or selectors).

It parses every interface module (`ourplan/**/views.py`, everything under a `views/` package,
everything under `ourplan/api/`, tests excepted) and fails on:

* `<Model>.objects`, `<Model>._default_manager` or `<Model>._base_manager` for a person-data
  model, unless the very next attribute is `visible_to`;
* `getattr(<Model>, "objects")` and the like, which would get round the first rule;
* `get_object_or_404(<Model>…)` / `get_object_or_404(<Model>.objects…)` for one of them;
* any `get_list_or_404(…)`: lists of people's data come from selectors, never a shortcut.

Models are recognised by name, by `import … as` alias and as `module.Model`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the `ourplan` package
PERSON_DATA = {"Person", "PersonalContact", "CareTeamMember", "TeamAllocation", "AuditEvent"}
# Plans hang off a person too and are read the same way.
PROTECTED = PERSON_DATA | {"Plan", "PlanSection", "PlanStageChange"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SCOPE = "visible_to"


def interface_modules() -> list[Path]:
    found = set(ROOT.rglob("views.py"))
    found |= {p for p in ROOT.rglob("*.py") if "views" in p.relative_to(ROOT).parts[:-1]}
    found |= set((ROOT / "api").rglob("*.py"))
    return sorted(p for p in found if "tests" not in p.relative_to(ROOT).parts)


def _protected_aliases(tree: ast.AST) -> set[str]:
    """Local names that stand for a protected model (`from … import Person as P`)."""
    names = set(PROTECTED)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {a.asname for a in node.names if a.name in PROTECTED and a.asname}
    return names


def _model_name(node: ast.AST, aliases: set[str]) -> str | None:
    """`Person` for `Person`, an alias of it, or `models.Person`; else None."""
    if isinstance(node, ast.Name) and node.id in aliases:
        return node.id
    if isinstance(node, ast.Attribute) and node.attr in PROTECTED:
        return node.attr
    return None


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def violations(source: str) -> list[str]:
    tree = ast.parse(source)
    aliases = _protected_aliases(tree)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            model = _model_name(node.value, aliases)
            parent = parents.get(node)
            scoped = isinstance(parent, ast.Attribute) and parent.attr == SCOPE
            if model and not scoped:
                problems.append(f"line {node.lineno}: {model}.{node.attr} without .{SCOPE}")
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        first = node.args[0] if node.args else None
        if name == "getattr" and first is not None:
            model = _model_name(first, aliases)
            attr = node.args[1] if len(node.args) > 1 else None
            if model and not (isinstance(attr, ast.Constant) and attr.value not in MANAGERS):
                problems.append(f"line {node.lineno}: getattr({model}, …)")
        elif name == "get_list_or_404":
            problems.append(f"line {node.lineno}: get_list_or_404(…)")
        elif name == "get_object_or_404" and first is not None:
            model = _model_name(first, aliases)
            if model is None and isinstance(first, ast.Attribute):
                model = _model_name(first.value, aliases)
            if model:
                problems.append(f"line {node.lineno}: get_object_or_404({model}…)")
    return problems


# --- the lint on the code -----------------------------------------------------------------

def test_given_the_project_then_every_kind_of_interface_module_is_checked():
    names = {p.relative_to(ROOT).as_posix() for p in interface_modules()}

    assert {
        "people/views/__init__.py", "plans/views.py", "accounts/views.py", "core/views.py",
        "exports/views.py", "api/routers/people.py", "api/routers/plans.py", "api/urls.py",
    } <= names
    assert not any("/tests/" in f"/{n}" for n in names)
    assert "core/views_helpers.py" not in names


@pytest.mark.parametrize("path", interface_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_given_an_interface_module_then_it_reads_people_only_through_visible_to(path):
    assert violations(path.read_text()) == [], path.relative_to(ROOT).as_posix()


# --- the lint itself ----------------------------------------------------------------------

@pytest.mark.parametrize("snippet", [
    "Person.objects.get(pk=1)",
    "Person.objects.filter(nhs_number=n).first()",
    "Person.objects.all().visible_to(user)",
    "people = Person.objects",
    "PersonalContact._default_manager.all()",
    "CareTeamMember._base_manager.filter(person=p)",
    "TeamAllocation.objects.create(person=p, team=t)",
    "AuditEvent.objects.all()",
    "AuditEvent.objects.for_person(p)",
    "Person.objects.audit_visible_to(user)",
    "models.Person.objects.get(pk=1)",
    "from ourplan.people.models import Person as P\nP.objects.get(pk=1)",
    "getattr(Person, 'objects').get(pk=1)",
    "getattr(Person, name)",
    "get_object_or_404(Person, pk=1)",
    "shortcuts.get_object_or_404(CareTeamMember.objects, pk=1)",
    "get_object_or_404(models.PersonalContact, pk=1)",
    "get_list_or_404(queryset)",
    "get_list_or_404(Person.objects.visible_to(user), family_name='Smith')",
    "def view(request):\n    return Person.objects.filter(pk=request.GET['id'])",
])
def test_given_an_unscoped_read_then_the_lint_catches_it(snippet):
    assert violations(snippet)


@pytest.mark.parametrize("snippet", [
    "Person.objects.visible_to(user)",
    "Person.objects.visible_to(user).get(pk=1)",
    "CareTeamMember.objects.visible_to(user).filter(person=p)",
    "AuditEvent.objects.visible_to(user)",
    "models.Person.objects.visible_to(user)",
    "from ourplan.people.models import Person as P\nP.objects.visible_to(user)",
    "get_object_or_404(Person.objects.visible_to(user), pk=1)",
    "User.objects.filter(is_active=True)",
    "Team.objects.all()",
    "getattr(Person, '_meta')",
    "selectors.person_get(user=user, person_id=1)",
    "person.personal_contacts.all()",
])
def test_given_a_scoped_read_then_the_lint_accepts_it(snippet):
    assert violations(snippet) == []


def test_given_a_violation_then_the_lint_says_where():
    source = "x = 1\n\nPerson.objects.get(pk=1)\n"

    assert violations(source) == ["line 3: Person.objects without .visible_to"]
