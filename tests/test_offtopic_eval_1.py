"""The first not-a-set evaluation set: questions, commands, chit-chat, noise and near misses a
voice logger hears that log nothing.

A development set for the trust issue (11): its first measurement is recorded in BENCHMARKS.md
before any of its misses are read. Every answer is "not a set": no exercise, no fields.
"""

from __future__ import annotations

from handwritten_checks import DATA, NotASetChecks, NotASetCoverage


class TestNotASet1(NotASetChecks):
    path = DATA / "offtopic_eval_1.jsonl"
    count = 364
    covers = NotASetCoverage(questions=40, commands=20, lifts=50, digits=30)
