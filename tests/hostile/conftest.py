"""Hostile-input tests check what builds write and refuse; the search index
(a Pagefind subprocess per build) is not what they test, so in-process builds
here skip it. Subprocess builds (the kill tests) still index."""

from __future__ import annotations

import pytest

from generator import build as build_module


@pytest.fixture(autouse=True)
def _no_search_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "index_release", lambda *args, **kwargs: None)
