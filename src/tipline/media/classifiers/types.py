"""What each detector says about one image, as plain frozen dataclasses.

These are the inputs of the fusion (`fusion.risk_fuse`) and are kept in an `Assessment`; tests
build them by hand to check the fusion without running any model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: A box in image pixels: left, top, width, height.
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Region:
    """One region the nudity model found: its NudeNet label, score (0..1) and box."""

    label: str
    score: float
    box: Box


@dataclass(frozen=True)
class NudityResult:
    """Every region the nudity model found above its floor score (0.2), exposed or not."""

    regions: tuple[Region, ...] = ()


@dataclass(frozen=True)
class FaceResult:
    """One face: its box, P(age < 18) summed over the age model's 81 classes, and the age the
    model expects (the probability-weighted mean of its classes, in years)."""

    box: Box
    p_minor: float
    age: float


@dataclass(frozen=True)
class ExpressionResult:
    """The expression model's 7 probabilities for one face (same order as the faces), and
    distress = fear + sad + angry."""

    probabilities: dict[str, float] = field(default_factory=dict)

    @property
    def distress(self) -> float:
        p = self.probabilities
        return min(1.0, p.get("fear", 0.0) + p.get("sad", 0.0) + p.get("angry", 0.0))
