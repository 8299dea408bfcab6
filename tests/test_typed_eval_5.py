"""The fifth typed-log evaluation set: the final held-out typed set of the trust issue (11),
written last by a writer who never saw the parser, the generator, the bundled data or any other
set, and measured once (aggregates only). Shorthand is labelled as in the first typed set.
"""

from __future__ import annotations

from handwritten_checks import DATA, TypedSetChecks


class TestTyped5(TypedSetChecks):
    path = DATA / "typed_eval_5.jsonl"
    count = 200
