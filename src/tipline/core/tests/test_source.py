"""Users of the network service can download its source (AGPL-3.0, section 13)."""

from __future__ import annotations

import io
import tarfile
from typing import Any

import pytest


@pytest.mark.django_db
def test_source_archive_holds_the_code_and_licence(client: Any) -> None:
    response = client.get("/source.tar.gz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(response.content)) as tar:
        names = set(tar.getnames())
        assert "tipline/src/tipline/intake/writer.py" in names
        assert "tipline/LICENSE" in names
        assert not any("__pycache__" in n or n.endswith(".key") for n in names)
        text = tar.extractfile("tipline/LICENSE").read().decode()  # type: ignore[union-attr]
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in text


@pytest.mark.django_db
def test_every_page_links_to_the_source(client: Any) -> None:
    assert b'href="/source.tar.gz"' in client.get("/login/").content
