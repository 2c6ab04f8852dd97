"""The tip form's challenges: the proof of work and the question, each signed, dated and
checked (spending them once is the service's, tested with the form)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tipline.tips.challenges import (
    ChallengeError,
    pow_check,
    pow_issue,
    pow_solve,
    pow_work,
    question_check,
    question_issue,
)


def _fails(code: str, check: Any, **kwargs: Any) -> None:
    with pytest.raises(ChallengeError) as caught:
        check(**kwargs)
    assert caught.value.code == code


def test_the_work_done_passes_and_names_its_nonce() -> None:
    token = pow_issue(bits=8)
    assert pow_check(token=token, solution=pow_solve(token)) == token.split(".")[2]


def test_work_not_done_fails() -> None:
    token = pow_issue(bits=12)
    wrong = next(str(n) for n in range(10_000) if pow_work(token, str(n))[0] != 0)
    _fails("wrong", pow_check, token=token, solution=wrong)
    _fails("wrong", pow_check, token=token, solution="")
    _fails("wrong", pow_check, token=token, solution="12a")


def test_a_token_we_did_not_sign_fails() -> None:
    token = pow_issue(bits=8)
    lowered = token.replace(".8.", ".1.")  # less work asked: the signature no longer holds
    _fails("invalid", pow_check, token=lowered, solution=pow_solve(lowered))
    _fails("invalid", pow_check, token="pow1.1.2.3", solution="1")
    _fails("invalid", pow_check, token="", solution="1")


def test_an_old_challenge_expires(settings: Any) -> None:
    settings.TIP_CHALLENGE_SECONDS = 600
    token = pow_issue(bits=8, now=time.time() - 601)
    _fails("expired", pow_check, token=token, solution=pow_solve(token))
    future = pow_issue(bits=8, now=time.time() + 3600)
    _fails("invalid", pow_check, token=future, solution=pow_solve(future))


def test_the_question_checks_its_answer_in_any_digits() -> None:
    question = question_issue()
    answer = question.first + question.second
    nonce = question.token.split(".")[2]
    assert question_check(token=question.token, answer=str(answer)) == nonce
    devanagari = "".join("०१२३४५६७८९"[int(d)] for d in str(answer))
    assert question_check(token=question.token, answer=devanagari) == nonce
    _fails("wrong", question_check, token=question.token, answer=str(answer + 1))
    _fails("wrong", question_check, token=question.token, answer="twelve")


def test_an_old_question_expires(settings: Any) -> None:
    settings.TIP_CHALLENGE_SECONDS = 600
    question = question_issue(now=time.time() - 601)
    _fails("expired", question_check, token=question.token,
           answer=str(question.first + question.second))


def test_the_question_reads_in_words() -> None:
    question = question_issue()
    assert question.text.startswith("What is ") and str(question.first) not in question.text
