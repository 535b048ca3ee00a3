"""Fixtures shared by every test: the default campaign and its schema. Builders are in tests/builders.py."""

from __future__ import annotations

import pytest

from automation.campaign import Campaign, load_campaign
from automation.resources import DEFAULT_CAMPAIGN
from automation.schema import Schema, load_schema

pytest_plugins = ["tests.fake_google.fixtures"]


@pytest.fixture(scope="session")
def base_schema() -> Schema:
    return load_schema()


@pytest.fixture(scope="session")
def campaign(base_schema: Schema) -> Campaign:
    return load_campaign(DEFAULT_CAMPAIGN, scopes=base_schema.column("scope").choices)


@pytest.fixture(scope="session")
def schema(base_schema: Schema, campaign: Campaign) -> Schema:
    return base_schema.with_campaign(campaign)
