"""A lint: views and the API reach people's data only through `visible_to` (or selectors).

It parses every interface module and fails on `<Model>.objects…` for a person-data model unless
the next attribute is `visible_to`, and on `get_object_or_404` / `get_list_or_404` of one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROTECTED = {"Person", "PersonalContact", "CareTeamMember", "TeamAllocation", "AuditEvent",
             "Plan", "PlanSection", "PlanStageChange"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def interface_modules() -> list[Path]:
    found = set(ROOT.glob("*/views.py")) | set(ROOT.glob("*/views/**/*.py"))
    found |= set(ROOT.glob("api/**/*.py"))
    return sorted(p for p in found if "tests" not in p.parts)


def violations(source: str) -> list[str]:
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    problems = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in MANAGERS
                and isinstance(node.value, ast.Name) and node.value.id in PROTECTED):
            parent = parents.get(node)
            if not (isinstance(parent, ast.Attribute) and parent.attr == "visible_to"):
                problems.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in SHORTCUTS and node.args:
                first = node.args[0]
                target = first.id if isinstance(first, ast.Name) else ""
                if isinstance(first, ast.Attribute) and isinstance(first.value, ast.Name):
                    target = first.value.id
                if target in PROTECTED:
                    problems.append(f"line {node.lineno}: {name}({target}…)")
    return problems


def test_there_are_interface_modules_to_check():
    names = {p.relative_to(ROOT).as_posix() for p in interface_modules()}

    assert "people/views/__init__.py" in names
    assert "api/routers/people.py" in names
    assert "plans/views.py" in names


@pytest.mark.parametrize("path", interface_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_interface_code_reads_people_only_through_visible_to(path):
    assert violations(path.read_text()) == []


@pytest.mark.parametrize("snippet", [
    "Person.objects.get(pk=1)",
    "Person.objects.filter(nhs_number=n).first()",
    "PersonalContact._default_manager.all()",
    "AuditEvent.objects.all()",
    "get_object_or_404(Person, pk=1)",
    "shortcuts.get_object_or_404(CareTeamMember.objects, pk=1)",
])
def test_the_lint_catches_unscoped_reads(snippet):
    assert violations(snippet)


@pytest.mark.parametrize("snippet", [
    "Person.objects.visible_to(user).get(pk=1)",
    "CareTeamMember.objects.visible_to(user)",
    "User.objects.filter(is_active=True)",
    "selectors.person_get(user=user, person_id=1)",
])
def test_the_lint_accepts_scoped_reads(snippet):
    assert violations(snippet) == []
