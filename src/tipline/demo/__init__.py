"""Synthetic demo data: a deterministic NCMEC law-enforcement export with benign files.

Plain Python (no Django): `tipline demo` and the tests call `generate_export`.
"""

from tipline.demo.generator import GenerationSummary, generate_export

__all__ = ["GenerationSummary", "generate_export"]
