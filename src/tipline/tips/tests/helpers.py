"""Filling the tip form as a browser would: the challenge read from the page, the work done
(or the question answered) in Python."""

from __future__ import annotations

import html
import re
from typing import Any

from django.test import Client

from tipline.media.tests.media_helpers import encode, pattern
from tipline.tips.challenges import pow_solve

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9}


def png(seed: int = 1) -> bytes:
    """A generated pattern (waves and shapes), as PNG."""
    return encode(pattern(seed, (96, 64)), "PNG")


def page_challenge(content: bytes) -> dict[str, str]:
    text = content.decode()
    token = re.search(r'data-pow-token="([^"]+)"', text)
    question = re.search(r'name="question_token" value="([^"]+)"', text)
    assert token and question
    return {"pow_token": html.unescape(token.group(1)),
            "question_token": html.unescape(question.group(1)), "page": text}


def question_answer(page: str) -> str:
    """The answer to the page's question in words (English page)."""
    match = re.search(r"What is (\w+) plus (\w+)\?", page)
    assert match, "no question on the page"
    return str(WORDS[match.group(1)] + WORDS[match.group(2)])


def tip_fields(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "what": "A channel on ExampleChat shares abuse videos of children.",
        "state": "MH", "district": "Beed", "pin": "431122", "place": "Near the bus stand",
        "links": "https://chat.example.com/c/123\nhttp://files.example.net/x/9",
        "contact": "anonymous", "name": "", "phone": "", "email": "",
    }
    values.update(fields)
    return values


def post_tip(client: Client, *, solve: str = "pow", headers: dict[str, str] | None = None,
             **fields: Any) -> Any:
    """GET the form, then POST a tip with its challenge met: "pow" (the work done), or
    "question" (answered, as without JavaScript), or "none"."""
    headers = headers or {}
    got = client.get("/tip/", **headers)
    assert got.status_code == 200
    challenge = page_challenge(got.content)
    data = tip_fields(**fields)
    data["pow_token"] = challenge["pow_token"]
    data["question_token"] = challenge["question_token"]
    if solve == "pow":
        data["pow_solution"] = pow_solve(challenge["pow_token"])
    elif solve == "question":
        data["question_answer"] = question_answer(challenge["page"])
    return client.post("/tip/", data, **headers)


def receipt(response: Any) -> tuple[str, str]:
    text = response.content.decode()
    tracking = re.search(r'id="tracking">([^<]+)<', text)
    secret = re.search(r'id="secret">([^<]+)<', text)
    assert tracking and secret, text[:2000]
    return tracking.group(1), secret.group(1)
