"""The OpenAPI document is valid OpenAPI 3, the docs page is served from Tipline's own static
files (the machine is offline: nothing from a CDN), and schemathesis, fuzzing every
operation through WSGI with a real token, finds no server error and no answer the document
does not allow."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tipline.accounts.services import api_token_create
from tipline.cases.tests.helpers import open_case
from tipline.dispatch.services import packet_build
from tipline.geo.models import ReportLocation
from tipline.routing.models import ReportCluster
from tipline.wsgi import application

pytestmark = pytest.mark.django_db


def test_the_document_is_valid_openapi_3(tree: None) -> None:
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    validate(document)
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert len(document["paths"]) == 12


def test_the_docs_page_uses_only_its_own_static_files(tree: None) -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "a CDN reference"
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io
    assets = re.findall(r"(?:src|href)=\"/static/([^\"]+)\"", html)
    assert {"ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css"} <= set(assets)
    for asset in assets:
        assert finders.find(asset), asset
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def _keep_connection() -> Iterator[None]:
    """Calls go through the WSGI application itself, whose request signals close the database
    connection (on PostgreSQL, the test's transaction with it); Django's test client keeps it
    open the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def caller(make_report: Callable[..., Any], beed_officer: Any, analyst: Any,
           _keep_connection: None) -> dict[str, Any]:
    """Bhim, Beed's unit officer, with a case, a cluster, a location and a packet in his
    district (and a report in Pune he must not see): his token, and the records' ids, which
    each generated call is made with a second time, so the detail endpoints answer 200 too."""
    beed, pune = open_case(make_report, "IN-MH-BEED"), open_case(make_report, "IN-MH-PUNE")
    for case in (beed, pune):
        ReportCluster.objects.create(report_id=case.report_id, cluster=beed.report_id)
    ReportLocation.objects.create(report_id=beed.report_id, country="IN", state="MH",
                                  candidates=[{"method": "pin"}],
                                  resolved_at=beed.opened_at)
    packet = packet_build(actor=analyst, target_code="IN-MH-BEED").packet
    _, value = api_token_create(actor=None, user=beed_officer, name="schemathesis")
    return {"token": value, "ids": {"key": f"TL-{beed.report_id:08d}", "case_id": beed.pk,
                                    "cluster_id": beed.report_id, "packet_id": packet.pk}}


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@schema.parametrize()
@settings(max_examples=15, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_fuzzing_finds_no_error_and_no_answer_off_the_document(
        case: Any, caller: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {caller['token']}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
    if case.path_parameters:
        case.path_parameters = {name: caller["ids"][name] for name in case.path_parameters}
        case.call_and_validate(headers=headers, checks=CHECKS)
