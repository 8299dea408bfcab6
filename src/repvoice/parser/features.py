"""Token features for the slot tagger.

Numbers are abstracted to their size and kind, so what the tagger learns about "225 for 8"
carries over to "315 for 5"; words keep their identity, so it learns which words cue which slot
("in the hole", "@", "x") from the data instead of from rules.
"""

from __future__ import annotations

from collections.abc import Sequence

from repvoice.catalog import Exercise
from repvoice.parser.lexicon import COUNT_WORDS, DOWN_WORDS, KG_WORDS, LB_WORDS, UP_WORDS
from repvoice.parser.numbers import homophone_candidates
from repvoice.parser.tokens import PUNCT, Token

#: Upper bounds of the number-size buckets: gym numbers cluster (RPE <= 10, reps <= 30, ...).
_BUCKETS = (1, 5, 10, 12, 20, 30, 50, 100, 200, 500, 1000)

#: Words whose nearest position left and right of a token is a feature, at any distance.
_CUES = frozenset(
    "rpe rir reps rep sets set for x by at @ rest tempo plus add drop same again tank reserve "
    "left failure seconds minutes pounds lbs kg kilos of with times each rounds minute more "
    "down up to".split()
)


def unloaded(exercise: Exercise) -> bool:
    """Exercises whose bare number is never a load: bodyweight work and bands."""
    return exercise.bodyweight or exercise.equipment == "band"


def bucket(value: float) -> str:
    """Coarse size class of a number ("<=10", ">1000", ...); halves are marked."""
    half = "h" if value != int(value) else ""
    for b in _BUCKETS:
        if value <= b:
            return f"<={b}{half}"
    return f">1000{half}"


def _abstract(tok: Token, in_exercise: bool) -> str:
    if in_exercise:
        return "<EX>"
    if tok.value is not None:
        return f"<N{bucket(tok.value)}>"
    if tok.norm in COUNT_WORDS:
        # "a triple" behaves like "a 3": the tagger generalises from numbers it has seen
        return f"<N{bucket(COUNT_WORDS[tok.norm])}>"
    if tok.norm in KG_WORDS:
        return "<KG>"
    if tok.norm in LB_WORDS:
        return "<LB>"
    return tok.norm


def sentence_features(
    tokens: Sequence[Token],
    exercise_span: tuple[int, int] | None = None,
    *,
    has_context: bool = False,
    context_weight: float | None = None,
    bodyweight: bool = False,
) -> list[list[str]]:
    """Features of every token of one utterance (crfsuite's string features)."""
    n = len(tokens)
    ex_start, ex_end = exercise_span if exercise_span else (-1, -1)
    abstract = [_abstract(t, ex_start <= i < ex_end) for i, t in enumerate(tokens)]
    value_of = [
        None
        if ex_start <= i < ex_end
        else (t.value if t.value is not None else COUNT_WORDS.get(t.norm))
        for i, t in enumerate(tokens)
    ]
    numbers = [i for i, v in enumerate(value_of) if v is not None]
    values = [value_of[i] for i in numbers]
    top = max(values) if values else None
    low = min(values) if values else None
    rank = {i: r for r, i in enumerate(numbers)}
    nnum = str(min(len(numbers), 4))
    # nearest cue word to the left and right of each position, with its distance
    left: list[str | None] = [None] * n
    last: tuple[str, int] | None = None
    for i, t in enumerate(tokens):
        left[i] = f"{last[0]}@{min(i - last[1], 4)}" if last else None
        if t.norm in _CUES:
            last = (t.norm, i)
    right: list[str | None] = [None] * n
    nxt: tuple[str, int] | None = None
    for i in range(n - 1, -1, -1):
        right[i] = f"{nxt[0]}@{min(nxt[1] - i, 4)}" if nxt else None
        if tokens[i].norm in _CUES:
            nxt = (tokens[i].norm, i)
    out: list[list[str]] = []
    for i, t in enumerate(tokens):
        w = abstract[i]
        f = ["b", f"w={w}", f"nnum={nnum}"]
        if has_context:
            f.append("ctx")
        if bodyweight:
            f.append("bw")
        p1 = abstract[i - 1] if i > 0 else "<S>"
        p2 = abstract[i - 2] if i > 1 else "<S>"
        n1 = abstract[i + 1] if i + 1 < n else "</S>"
        n2 = abstract[i + 2] if i + 2 < n else "</S>"
        f += [
            f"p1={p1}", f"p2={p2}", f"n1={n1}", f"n2={n2}",
            f"p1w={p1}|{w}", f"wn1={w}|{n1}", f"p2p1={p2}|{p1}", f"n1n2={n1}|{n2}",
            f"p1n1={p1}|{n1}",
        ]  # fmt: skip
        if left[i]:
            f.append(f"kl={left[i]}")
        if right[i]:
            f.append(f"kr={right[i]}")
        value = value_of[i]
        if value is not None:
            f.append(f"kind={t.kind if t.value is not None else 'count_word'}")
            if bodyweight:
                f.append(f"bw&{abstract[i]}")
            near = {x.norm for x in tokens[max(0, i - 2) : i + 3]}
            if near & UP_WORDS:
                f.append("up_cue" + ("&ctx" if has_context else ""))
            if near & DOWN_WORDS:
                f.append("down_cue" + ("&ctx" if has_context else ""))
            r = rank[i]
            f.append("first" if r == 0 else "last" if r == len(numbers) - 1 else "mid")
            if value == top and len(numbers) > 1:
                f.append("max")
            if value == low and len(numbers) > 1:
                f.append("min")
            if context_weight is not None and value == context_weight:
                f.append("eq_ctx_w")
            if i > 0 and tokens[i - 1].end == t.start and tokens[i - 1].kind != PUNCT:
                f.append(f"glued_after={abstract[i - 1]}")
            if i + 1 < n and tokens[i + 1].start == t.end and tokens[i + 1].kind != PUNCT:
                f.append(f"glued_before={abstract[i + 1]}")
        elif t.kind == PUNCT:
            f.append("punct")
        else:
            if homophone_candidates(t):
                f.append("homophone")
            if t.norm in COUNT_WORDS:
                f.append("count_word")
            if len(t.norm) > 3:
                f.append(f"suf={t.norm[-3:]}")
        if ex_start >= 0:
            if i < ex_start:
                f.append("before_ex")
            elif i >= ex_end:
                f.append("after_ex")
        if i == 0:
            f.append("BOS")
        if i == n - 1:
            f.append("EOS")
        out.append(f)
    return out
