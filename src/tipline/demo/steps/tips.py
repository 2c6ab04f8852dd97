"""The demo's public tips: a few dozen tips as citizens send them from `/tip/`, in English
and Hindi, anonymous or with contact details, some with a link, some with a picture, each
with a place (state, district, PIN) from the demo's plan; they become public reports that
are scanned and routed like the rest. They are written through the tips app's service (the
form itself, with its challenge, is tested in a real browser).

DEMO ONLY: invented people and places' names, reserved example domains, generated images.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from tipline.core.progress import NullProgress, Progress
from tipline.demo import data as ref
from tipline.demo.images import make_pool
from tipline.demo.places import place_in
from tipline.demo.plan import plan
from tipline.intake.models import Report, Source
from tipline.tips.services import TipFile, TipInput, tip_submit

#: how many tips the demo sends at its default size (25,000 reports)
DEMO_TIPS = 40

_WHAT_EN = (
    "A man in a chat group is offering to sell videos of children. He posted a link.",
    "Someone on a gaming app keeps asking my 12-year-old nephew for photos.",
    "I found a channel sharing abusive pictures of minors; the link is below.",
    "A stranger sent my daughter messages asking her to meet and send pictures.",
    "A group in a messaging app is trading material involving children.",
)
_WHAT_HI = (
    "एक चैट ग्रुप में एक व्यक्ति बच्चों के वीडियो बेचने की पेशकश कर रहा है।",
    "एक गेमिंग ऐप पर कोई मेरे भतीजे से बार-बार तस्वीरें माँग रहा है।",
    "मुझे एक चैनल मिला जो नाबालिगों की आपत्तिजनक तस्वीरें साझा करता है; लिंक नीचे है।",
)


@dataclass(frozen=True)
class TipsSent:
    """How many demo tips were sent, or found from an earlier run."""

    sent: int
    already: int

    def summary(self) -> str:
        if not self.sent:
            return f"demo public tips: {self.already} sent already"
        return f"demo public tips: {self.sent} sent (as from /tip/, in English and Hindi)"


def demo_tip(index: int, *, seed: int, state: str, district: str, area: str,
             picture: tuple[str, bytes] | None) -> tuple[TipInput, str]:
    """The demo's tip `index` and its language."""
    rng = random.Random(f"demo-tip:{seed}:{index}")
    hindi = rng.random() < 0.4
    place = place_in(state, district, area, rng)
    with_contact = rng.random() < 0.35
    links = [f"https://chat.example.net/g/{rng.randrange(10**6, 10**7)}"] \
        if rng.random() < 0.6 else []
    files = []
    if picture is not None:
        name, data = picture
        kind = "image/jpeg" if name.endswith(".jpg") else "image/png"
        files.append(TipFile(name=name, content_type=kind, chunks=lambda: iter([data])))
    tip = TipInput(
        what=rng.choice(_WHAT_HI if hindi else _WHAT_EN),
        state_code=state,
        district=place.district.name.title(),
        pin=place.pin if rng.random() < 0.7 else "",
        place=place.city.title() if rng.random() < 0.5 else "",
        links=links,
        name=f"Demo Citizen {index + 1}" if with_contact else "",
        phone=f"98{rng.randrange(10**8):08d}" if with_contact else "",
        email=f"citizen{index + 1}@example.org" if with_contact else "",
        files=files,
    )
    return tip, "hi" if hindi else "en"


def tips_send_demo(*, count: int = DEMO_TIPS, seed: int,
                   progress: Progress | None = None) -> TipsSent:
    """Send the demo's public tips (once: a second run finds them)."""
    already = Report.objects.filter(source=Source.PUBLIC).count()
    if already:
        return TipsSent(0, already)
    progress = progress or NullProgress()
    slots = [s for s in plan(count * 2, seed + 2) if s.state in ref.STATE_BY_CODE][:count]
    pool = make_pool(8, seed + 2)
    for index, slot in enumerate(slots):
        image = pool[index % len(pool)]
        picture = (f"screenshot_{index + 1}.{image.ext}", image.data) if index % 3 == 0 \
            else None
        tip, language = demo_tip(index, seed=seed, state=slot.state, district=slot.district,
                                 area=slot.area, picture=picture)
        tip_submit(tip=tip, challenge_nonce=f"demo-{secrets.token_hex(8)}",
                   address=f"demo-{index}", language=language)
        progress.update(done=index + 1, total=len(slots))
    return TipsSent(len(slots), 0)
