"""Fixtures for the places tests: a small gazetteer index (cities15000), built once."""

from __future__ import annotations

import pytest

from eventscope.places import Gazetteer
from eventscope.places.build import ensure_index


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    folder = tmp_path_factory.getbasetemp() / "places-gazetteer"
    return Gazetteer(ensure_index(folder, cities="cities15000"))
