"""The session state is declared in one place (layers.ui.state): the app's source uses no other key.

Scans ``app.py`` and ``layers/ui/*.py`` for session-state reads and writes (``ss.name``,
``ss["name"]``, ``ss.get("name")``, ``ss.pop("name")``, ``"name" in ss``) and widget or
form keys (``key="…"``, ``st.form("…")``); an f-string key is a family (``layer_{id}``).
"""
from __future__ import annotations

import re

import pytest

from layers import coverage as cov
from layers.ui import state
from tests.conftest import ROOT

SOURCES = [ROOT / "app.py", *sorted((ROOT / "layers" / "ui").glob("*.py"))]
_STR = r"""f?(?:"([^"]*)"|'([^']*)')"""
PATTERNS = [
    re.compile(r"\bss\.(?!get\b|pop\b|setdefault\b|keys\b|items\b|values\b|update\b|clear\b|to_dict\b)(\w+)"),
    re.compile(r"\bss\[" + _STR + r"\]"),
    re.compile(r"\bss\.(?:get|pop|setdefault)\(" + _STR),
    re.compile(_STR + r"\s+(?:not\s+)?in\s+ss\b"),
    re.compile(r"\bkey=" + _STR),
    re.compile(r"\bst\.form\(" + _STR),
]
METHODS = {"get", "pop", "setdefault", "keys", "items", "values", "update", "clear", "to_dict"}


def used_keys(text: str) -> set[str]:
    """Every session-state or widget key the source text names (f-string parts as ``{…}``)."""
    found = set()
    for pattern in PATTERNS:
        for m in pattern.finditer(text):
            found.add(next(g for g in m.groups() if g is not None))
    return found - METHODS


def test_the_scan_sees_every_kind_of_use():
    text = ('ss.fly = 1\nss["coverage"]\nss.get("imp_error")\nss.pop("pending_layers", [])\n'
            '"view0" in ss\nst.checkbox("x", key=f"layer_{spec.id}")\nst.form(f"imp_form_{n}")\n'
            'ss.get("nope")\n')
    assert used_keys(text) == {"fly", "coverage", "imp_error", "pending_layers", "view0", "layer_{spec.id}",
                               "imp_form_{n}", "nope"}
    assert not state.is_declared("nope") and state.is_declared("layer_sites")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_every_key_the_app_uses_is_declared(path):
    undeclared = sorted(k for k in used_keys(path.read_text(encoding="utf-8")) if not state.is_declared(k))
    assert not undeclared, f"{path.name} uses session-state keys layers/ui/state.py does not declare: {undeclared}"


def test_only_layers_ui_touches_the_session_state_through_ss():
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        uses = re.findall(r"st\.session_state\b", text)
        assert len(uses) <= 1, f"{path.name}: use ss = st.session_state once, then ss"


def test_the_coverage_settings_a_project_restores_are_declared_widgets():
    for name, (key, _) in cov.SETTING_KEYS.items():
        assert state.is_declared(key.format(src="test")), name


def test_declarations_are_complete_and_unique():
    names = [k.name for k in state.APP_KEYS + state.WIDGET_KEYS]
    assert len(names) == len(set(names))
    for key in state.APP_KEYS + state.WIDGET_KEYS:
        assert key.type and key.meaning, key.name


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_key_carries_the_language(path):
    """A key with the language in it is a new widget after a switch: the choice would be lost."""
    carrying = sorted(k for k in used_keys(path.read_text(encoding="utf-8")) if re.search(r"\{[^}]*lang", k))
    assert not carrying, f"{path.name}: keys carrying the language: {carrying}"
