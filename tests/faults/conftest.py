"""The fault suite: generated, built services run as in production on the local PostgreSQL, Redis
and brokers, each dependency reached through a TCP proxy the test owns (tests.support.tcp_proxy),
while a bounded load runs (tests.support.load). A case injects a fault, lifts it, and then counts:
processes that died, acknowledged writes lost or applied twice, notifications lost, requests left
unanswered within the client deadline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.built import built_project


@pytest.fixture(scope="module")
def monolith(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    return built_project(tmp_path_factory, node_env, "monolith")


@pytest.fixture(scope="module")
def microservices(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    """The microservices preset with its default broker (RabbitMQ), built."""
    return built_project(tmp_path_factory, node_env, "microservices")
