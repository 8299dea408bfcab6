"""Find the exercise a transcript names, and learn the owner's exercises and spoken forms.

`ExerciseResolver.find` works on the tokens of `spoken_numbers(text)`:

1. exact: every run of words (numbers and punctuation break runs; "-", "'", "." and "/" do not)
   is looked up n-gram by n-gram in an alias table, longest match first. Words are compared in
   a normal form (lower case, no "'s", simple plurals made singular, known speech-to-text
   mishearings corrected) and joined without spaces, so "dead lift" = "deadlift" and
   "lat pull downs" = "lat pulldown";
2. fuzzy: otherwise, spans of content words (no numbers, units, set keywords or filler) are
   scored against every alias with an edit-distance ratio on the spelling and on a phonetic key
   ("goblin squat" -> goblet squat). An exact match with an unexplained content word beside it
   is also re-scored this way, so "goblin squat" is not read as plain "squat".

An ambiguous alias ("curls", "bench") resolves to the catalogue's default, or to the
alternative whose equipment the utterance names ("incline bench with dumbbells"); the others are
returned as `Match.alternatives`.

`learn` takes the owner's training pairs (transcript, exercise id, exercise name): unknown ids
become exercises (taking over the aliases of a catalogue exercise with the same name), and
transcript spans that consistently name one exercise become aliases.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from repvoice.catalog.catalog import Catalog, Exercise, normalise_alias
from repvoice.parser.numbers import spoken_numbers
from repvoice.parser.phonetic import phonetic_key
from repvoice.parser.tokens import PUNCT, Token
from repvoice.schema import ExerciseId, same_id

__all__ = [
    "ExerciseResolver",
    "LearnReport",
    "Match",
    "TrainingExample",
    "examples_from_records",
]

#: Longest alias, in words, the exact path looks for.
MAX_ALIAS_WORDS = 7
#: Longest span, in words, the fuzzy path and learning consider.
MAX_SPAN_WORDS = 5
#: Small words ("on", "the") an alias said in another order may have between its words.
_GAP_WORDS = 2
#: A fuzzy match scores the mean of its spelling and sound ratios (0-100) and must reach this.
FUZZY_CUTOFF = 80.0
#: A fuzzy match of a single word must reach this.
ONE_WORD_CUTOFF = 85.0
#: A fuzzy reading replaces an exact match only when it explains more words and scores this.
EXTEND_CUTOFF = 85.0
# Candidates are drawn from each ratio separately, at these floors.
_SPELLING_FLOOR = 70.0
_SOUND_FLOOR = 80.0
#: Score of an exact match that needed a mishearing correction.
MISHEARD_SCORE = 0.9
#: Learning: a span becomes an alias when seen this often, mapping to one id this share of times.
MIN_SEEN = 2
MIN_SHARE = 0.8
#: Learning: span-to-name similarity below which the span is not trusted on its own.
LEARN_CUTOFF = 60.0
#: A new id whose name is this similar to a catalogue name takes over that exercise.
ADOPT_CUTOFF = 95.0

# Punctuation that joins words of one name ("t-bar", "e.z.", "90/90", "c&j").
_JOINERS = frozenset({"-", "'", "’", ".", "/", "&", "+"})

# Documented speech-to-text substitutions in gym speech (singular forms).
_MISHEARD: dict[str, str] = {
    "priest": "press",
    "breast": "press",
    "girl": "curl",
    "branch": "bench",
    "venture": "bench",
    "binch": "bench",
    "school": "skull",
    "lunch": "lunge",
    "squad": "squat",
    "pool": "pull",
    "dumbell": "dumbbell",
    "dumbel": "dumbbell",
}

# Words that never name an exercise on their own: filler, units, set keywords, follow-ups.
_STOP = frozenset(
    """
    a an the and or but so um uh er ah hmm okay ok alright yeah yes yep just did do done doing
    like well then now log logged logging put record note notes i i'm im me my we was were is
    it it's its that that's this those these there here got get go went hit had have could would
    should think felt feel feeling pretty really very bit little kinda sort
    for fore at of on in with by to too from x times time per each
    rep reps raps rips repetition repetitions sets set round rounds
    lb lbs pound pounds kg kgs kilo kilos kilogram kilograms k plate plates pair
    second seconds sec secs minute minutes min mins hour hours
    meter meters metre metres yard yards mile miles cal cals calorie calories inch inches
    rpe rir r p are pee rate perceived exertion reserve tank left
    tempo rest rested resting failure until till all way
    no wait actually sorry mean make than more less only another same again weight
    add added dropped bump next last today new pr heavy tough
    oh plus extra exercise movement
    """.split()
)

# Past-tense verbs that name a cardio exercise ("ran 3 miles"), for catalogues that have it.
_VERB_ALIASES: dict[str, str] = {
    "ran": "Running",
    "jogged": "Running",
    "sprinted": "Running",
    "rowed": "Rowing Machine",
    "biked": "Stationary Bike",
    "cycled": "Stationary Bike",
    "skipped": "Jump Rope",
    "benched": "Barbell Bench Press",
    "squatted": "Barbell Back Squat",
    "deadlifted": "Barbell Deadlift",
    "pulled": "Barbell Deadlift",
}

# Equipment words that pick among an ambiguous alias's alternatives.
_EQUIPMENT: dict[str, str] = {
    "db": "dumbbell",
    "dbs": "dumbbell",
    "kbs": "kettlebell",
    "dumbbell": "dumbbell",
    "bb": "barbell",
    "barbell": "barbell",
    "bar": "barbell",
    "cable": "cable",
    "rope": "cable",
    "machine": "machine",
    "smith": "smith",
    "kb": "kettlebell",
    "kettlebell": "kettlebell",
    "ez": "ez",
    "band": "band",
    "banded": "band",
    "bodyweight": "bodyweight",
    "bw": "bodyweight",  # typed: "lunges 2x20 bw"
}


@dataclass(frozen=True, slots=True)
class Match:
    """An exercise found in a transcript.

    `start`/`end` index the tokens given to `find` (end exclusive); `alias` is the alias (or
    learned spoken form) that matched; `score` is 1.0 for an exact match, lower for corrected
    or fuzzy ones; `alternatives` are other exercises an ambiguous alias could mean.
    """

    exercise: Exercise
    start: int
    end: int
    alias: str
    score: float
    alternatives: tuple[Exercise, ...] = ()
    method: str = "exact"

    @property
    def id(self) -> ExerciseId:
        return self.exercise.id

    @property
    def name(self) -> str:
        return self.exercise.name


class TrainingExample(NamedTuple):
    """One training pair. `from_context` marks follow-ups whose exercise the text does not say."""

    text: str
    exercise_id: ExerciseId | None
    exercise_name: str | None
    from_context: bool = False


@dataclass
class LearnReport:
    """What one `learn` call changed."""

    examples: int = 0
    exercises_added: list[ExerciseId] = field(default_factory=list)
    exercises_adopted: dict[ExerciseId, ExerciseId] = field(default_factory=dict)
    aliases_added: dict[str, ExerciseId] = field(default_factory=dict)
    unmatched: int = 0


class _Item(NamedTuple):
    """One word (or number) of a run: its match key, sound key and token index."""

    key: str
    sound: str
    index: int
    number: bool
    stop: bool
    misheard: bool


class _Candidate(NamedTuple):
    score: float
    words: int
    start: int
    end: int
    alias: str
    method: str


class ExerciseResolver:
    """Resolve the exercise of a transcript against a catalogue plus what `learn` added."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        # Ids keep the owner's type (string or whole number), so maps are keyed by either.
        self._exercises: dict[ExerciseId, Exercise] = {e.id: e for e in catalog}
        # Normalised alias -> exercise id; learned spoken forms are added here too.
        self._alias_ids: dict[str, ExerciseId] = {a: e.id for a, e in catalog.aliases().items()}
        for verb, name in _VERB_ALIASES.items():
            target = catalog.by_name(name)
            if target is not None:
                self._alias_ids.setdefault(verb, target.id)
        self._remap: dict[ExerciseId, ExerciseId] = {}  # catalogue id -> owner id taking it
        self._added: dict[ExerciseId, Exercise] = {}  # owner exercises (new or adopting)
        self._learned: dict[str, ExerciseId] = {}  # learned alias -> owner id
        # Whether answers may carry the ids of catalogue exercises the owner never used: yes
        # unless the owner's answers use ids of their own only (17, "db-4"), whose app could
        # not use a catalogue UUID.
        self.catalogue_ids = True
        self._build()

    # --- public API -------------------------------------------------------------------------

    def find(self, tokens: Sequence[Token]) -> Match | None:
        """The exercise named in `tokens` (from `spoken_numbers`), or None if none is."""
        # "skull crushers 80 for 12 superset with diamond push ups": the set logged is the
        # exercise named before the superset
        cut = next((k for k, t in enumerate(tokens) if t.norm in _NEXT_EXERCISE and k > 0), None)
        if cut is not None:
            first = self._find(tokens[:cut])
            if first is not None:
                return first
        found = self._find(tokens)
        if found is not None:
            return self._corrected(tokens, found) or found
        return None

    def _corrected(self, tokens: Sequence[Token], found: Match) -> Match | None:
        """ "seated cable row I mean lat pulldown": an exercise named exactly after a
        correction cue that follows the one found replaces it."""
        for c in range(found.end, len(tokens)):
            if tokens[c].norm not in _CORRECTION_CUES:
                continue
            later = self._find(tokens[c + 1 :])
            if later is None or later.score < _CORRECTED_SCORE:
                continue
            if later.exercise.id == found.exercise.id:
                return None
            if set(_alias_words(later.alias)) <= _base(found.exercise.name):
                return None  # "chest press sorry the incline one": a qualifier, already read
            shift = c + 1
            return Match(
                later.exercise,
                later.start + shift,
                later.end + shift,
                later.alias,
                later.score,
                later.alternatives,
                later.method,
            )
        return None

    def _find(self, tokens: Sequence[Token]) -> Match | None:
        runs = _runs(tokens)
        if not runs:
            return None
        exact = self._exact_match(runs)
        if exact is not None:
            run, i, n, alias, misheard = exact
            better = self._extend(run, i, n)
            if (
                better is not None
                and not _only_equipment_added(run, i, n, better)
                and _keeps_words(alias, better.alias)
                and _added_words_match(run, i, n, better, alias)
            ):
                return self._result(better, tokens, runs)
            score = MISHEARD_SCORE if misheard else 1.0
            cand = _Candidate(score, n, run[i].index, run[i + n - 1].index + 1, alias, "exact")
            return self._result(cand, tokens, runs)
        best: _Candidate | None = None
        for run in runs:
            for i, j in _spans(run, 1):
                if all(_kit(w.key, "") is not None for w in run[i:j]):
                    continue  # "same dumbbells": kit alone names no exercise
                cand = self._fuzzy(run, i, j)
                if (
                    cand is not None
                    and j - i == 1
                    and (len(_alias_words(cand.alias)) > 1 or cand.score < ONE_WORD_CUTOFF / 100)
                ):
                    continue  # one word never names a longer alias ("walk" is no "hs walk")
                    # and needs a closer match ("shaking" is no "skiing")
                if cand is not None and (best is None or cand[:2] > best[:2]):
                    best = cand
        return None if best is None else self._result(best, tokens, runs)

    def leftover_words(self, tokens: Sequence[Token], match: Match | None) -> int:
        """Words outside the match that belong to some exercise's name but not to the one
        found: a correction ("cable row I mean lat pulldown") or a description the match
        did not explain."""
        own: frozenset[str] = frozenset()
        start = end = -1
        if match is not None:
            start, end = match.start, match.end
            own = frozenset(_alias_words(match.alias)) | frozenset(_alias_words(match.name))
        words = self._name_words
        count = 0
        for i, tok in enumerate(tokens):
            if start <= i < end or tok.value is not None or tok.kind == PUNCT:
                continue
            key, _, stop, _ = _word(tok.norm)
            if not stop and key in words and key not in own:
                count += 1
        return count

    def find_text(self, text: str) -> Match | None:
        """`find(spoken_numbers(text))`."""
        return self.find(spoken_numbers(text))

    def answer_id(self, ex_id: ExerciseId | None) -> ExerciseId | None:
        """The id to answer for an exercise the resolver knows: None for a catalogue exercise
        when the owner's ids are their own (the name still says which exercise it is)."""
        if (
            ex_id is not None
            and not self.catalogue_ids
            and ex_id not in self._added
            and ex_id in self._exercises
        ):
            return None
        return ex_id

    def public(self, exercise: Exercise) -> Exercise:
        """The exercise as answered: an owner's exercise that took over a catalogue one
        replaces it."""
        owner = self._remap.get(exercise.id)
        return self._exercises[owner] if owner is not None else exercise

    @property
    def exercises(self) -> dict[ExerciseId, Exercise]:
        """Every exercise the resolver can answer, by id (owner ids replace adopted ones)."""
        return self._public

    def learn(
        self,
        examples: Iterable[TrainingExample | tuple[str, ExerciseId | None, str | None]],
    ) -> LearnReport:
        """Learn the owner's exercises and the spoken forms that name them.

        Each example is (transcript, exercise_id, exercise_name[, from_context]). Unknown ids
        become exercises; an unknown id whose name matches a catalogue exercise takes over that
        exercise's aliases. A transcript span becomes an alias of an id once it was seen at
        least `MIN_SEEN` times, mapping to that id in at least `MIN_SHARE` of its uses.
        """
        report = LearnReport()
        pending: list[tuple[str, ExerciseId]] = []
        owner_ids: set[ExerciseId] = set()
        for ex in examples:
            ex = TrainingExample(*ex)
            report.examples += 1
            if ex.exercise_id is None or ex.exercise_id == "" or not ex.exercise_name:
                continue
            owner_ids.add(ex.exercise_id)
            self._register(ex.exercise_id, ex.exercise_name, report)
            if not ex.from_context:
                pending.append((ex.text, ex.exercise_id))
        keys_of: dict[ExerciseId, list[str]] = defaultdict(list)
        for alias, ex_id in self._alias_ids.items():
            keys_of[ex_id].append(_alias_key(alias)[0])
        counts: dict[str, Counter[ExerciseId]] = defaultdict(Counter)
        surface: dict[str, Counter[str]] = defaultdict(Counter)
        for text, ex_id in pending:
            span = _training_span(spoken_numbers(text), keys_of.get(ex_id, []))
            if span is None:
                report.unmatched += 1
                continue
            key, words = span
            counts[key][ex_id] += 1
            surface[key][words] += 1
        self._adopt_by_usage(counts, {ex_id for _, ex_id in pending}, report)
        if owner_ids:
            self.catalogue_ids = any(self.catalog.by_id(i) is not None for i in owner_ids)
        for key, by_id in counts.items():
            ex_id, seen = by_id.most_common(1)[0]
            if len(key) < 3 or seen < MIN_SEEN or seen / sum(by_id.values()) < MIN_SHARE:
                continue
            alias = surface[key].most_common(1)[0][0]
            if self._alias_ids.get(alias) == ex_id or self._exact.get(key) == alias:
                continue
            known = self._id_of_key(key)
            if known == ex_id or (known is not None and seen <= MIN_SEEN):
                continue  # overriding a catalogue alias takes more evidence
            self._alias_ids[alias] = ex_id
            self._learned[alias] = ex_id
            report.aliases_added[alias] = ex_id
        self._build()
        return report

    def to_dict(self) -> dict[str, Any]:
        """What `learn` added, as JSON-ready data for a model directory."""
        # Version 2 saves `adopted` as [catalogue id, owner id] pairs: a JSON object's keys
        # would turn whole-number ids into strings.
        return {
            "version": 2,
            "exercises": [{"id": e.id, "name": e.name} for e in self._added.values()],
            "adopted": [[cat, owner] for cat, owner in self._remap.items()],
            "aliases": dict(self._learned),
            "catalogue_ids": self.catalogue_ids,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], catalog: Catalog) -> ExerciseResolver:
        """A resolver over `catalog` with what `to_dict` saved applied again."""
        resolver = cls(catalog)
        adopted = data.get("adopted", [])
        pairs = adopted.items() if isinstance(adopted, dict) else adopted  # version 1: an object
        adopted_by_owner = {owner: cat for cat, owner in pairs}
        v1 = data.get("version", 1) == 1
        for entry in data.get("exercises", []):
            resolver._add(entry["id"], entry["name"], adopted_by_owner.get(entry["id"]), v1=v1)
        for alias, ex_id in data.get("aliases", {}).items():
            resolver._alias_ids[alias] = ex_id
            resolver._learned[alias] = ex_id
        resolver.catalogue_ids = bool(data.get("catalogue_ids", True))
        resolver._build()
        return resolver

    # --- index ------------------------------------------------------------------------------

    def _build(self) -> None:
        """Precompute the exact table (joined keys) and the fuzzy choice lists."""
        exact: dict[str, str] = {}
        max_words = 1
        for alias in self._alias_ids:
            key, _, words = _alias_key(alias)
            if not key:
                continue
            # Learned forms and catalogue defaults win a key clash; otherwise the first alias.
            if key not in exact or alias in self._learned:
                exact[key] = alias
            max_words = max(max_words, words)
        self._exact = exact
        # Order-free keys of multi-word aliases: "cable flies low to high" names the same
        # exercise as "low to high cable fly", "pull ups kipping" as "kipping pull ups".
        unordered: dict[str, str] = {}
        for alias in exact.values():
            words = _alias_words(alias)
            if len(words) >= 2:
                unordered.setdefault("|".join(sorted(words)), alias)
        self._unordered = unordered
        self._unordered_vocab = frozenset(w for key in unordered for w in key.split("|"))
        # and of their content words: "calf raise on the leg press" is "leg press calf raise"
        content: dict[str, str] = {}
        for alias in exact.values():
            words = [w.key for w in _alias_items(alias) if not w.stop]
            if len(words) >= 2:
                content.setdefault("|".join(sorted(words)), alias)
        self._content = content
        self._content_vocab = frozenset(w for key in content for w in key.split("|"))
        self._public = {i: e for i, e in self._exercises.items() if i not in self._remap}
        self._max_words = min(max_words, MAX_ALIAS_WORDS)
        self._max_key = max((len(k) for k in exact), default=0)
        variants: dict[frozenset[str], list[Exercise]] = defaultdict(list)
        for exercise in self.catalog:
            variants[_base(exercise.name)].append(exercise)
        self._variants = dict(variants)
        by_word: dict[str, list[Exercise]] = defaultdict(list)
        for exercise in self.catalog:
            for word in _base(exercise.name):
                by_word[word].append(exercise)
        self._by_word = dict(by_word)
        self._name_words = frozenset(
            w for alias in exact.values() for w in _alias_words(alias) if w not in _STOP
        )
        self._choice_alias = list(exact.values())
        self._choice_spelling = list(exact)
        self._choice_sound = [_alias_key(a)[1] for a in self._choice_alias]

    def _id_of_key(self, key: str) -> ExerciseId | None:
        alias = self._exact.get(key)
        return None if alias is None else self._alias_ids[alias]

    # --- matching ---------------------------------------------------------------------------

    def _exact_match(
        self, runs: list[list[_Item]]
    ) -> tuple[list[_Item], int, int, str, bool] | None:
        best: tuple[list[_Item], int, int, str, bool] | None = None
        best_n = 0
        exact = self._exact
        max_key = self._max_key
        for run in runs:
            size = len(run)
            for i in range(size):
                acc = ""
                for n in range(1, min(self._max_words, size - i) + 1):
                    acc += run[i + n - 1].key
                    if len(acc) > max_key:
                        break
                    if n > best_n and acc in exact:
                        words = run[i : i + n]
                        if all(w.stop or w.number for w in words):
                            continue
                        best_n = n
                        best = (run, i, n, exact[acc], any(w.misheard for w in words))
        # an alias said in another word order, longer than any exact match
        vocab = self._unordered_vocab
        for run in runs:
            size = len(run)
            for i in range(size):
                if run[i].key not in vocab:
                    continue  # no multi-word alias has this word, in any order
                for n in range(max(best_n + 1, 2), min(self._max_words, size - i) + 1):
                    words = run[i : i + n]
                    if words[-1].number or words[-1].key not in vocab:
                        break
                    alias = self._unordered.get("|".join(sorted(w.key for w in words)))
                    if alias is not None and not all(w.stop for w in words):
                        best_n = n
                        best = (run, i, n, alias, any(w.misheard for w in words))
        # the same with a few small words between ("calf raise on the smith machine")
        vocab = self._content_vocab
        found = best
        for run in runs:
            size = len(run)
            for i in range(size):
                if run[i].stop or run[i].key not in vocab:
                    continue
                stops = 0
                for n in range(2, min(self._max_words + _GAP_WORDS, size - i) + 1):
                    last = run[i + n - 1]
                    if last.number:
                        break
                    if last.stop:
                        stops += 1
                        if stops > _GAP_WORDS:
                            break
                        continue
                    if last.key not in vocab:
                        break
                    if n <= best_n or not stops:
                        continue  # no longer than what was found, or found above already
                    if found is not None and not (
                        found[0] is run and i <= found[1] and i + n >= found[1] + found[2]
                    ):
                        continue  # it must take in the name found, not a part of it
                    words = run[i : i + n]
                    alias = self._content.get("|".join(sorted(w.key for w in words if not w.stop)))
                    if alias is not None:
                        best_n = n
                        best = (run, i, n, alias, any(w.misheard for w in words))
        return best

    def _extend(self, run: list[_Item], i: int, n: int) -> _Candidate | None:
        """A fuzzy reading over the exact span plus unexplained content words beside it."""
        lo, hi = i, i + n
        while lo > 0 and hi - lo < MAX_SPAN_WORDS and _content(run[lo - 1]):
            lo -= 1
        # "pal of press": a misheard name split by a small word still reads as one name
        if (
            lo == i
            and lo > 1
            and hi - lo + 2 <= MAX_SPAN_WORDS
            and run[lo - 1].stop
            and not run[lo - 1].number
            and _content(run[lo - 2])
        ):
            lo -= 2
        while hi < len(run) and hi - lo < MAX_SPAN_WORDS and _content(run[hi]):
            hi += 1
        if (lo, hi) == (i, i + n):
            return None
        best: _Candidate | None = None
        for a in range(lo, i + 1):
            for b in range(i + n, hi + 1):
                if (a, b) == (i, i + n):
                    continue
                cand = self._fuzzy(run, a, b)
                if (
                    cand is not None
                    and cand.score * 100 >= EXTEND_CUTOFF
                    and (best is None or cand[:2] > best[:2])
                ):
                    best = cand
        return best

    def _fuzzy(self, run: list[_Item], i: int, j: int) -> _Candidate | None:
        words = run[i:j]
        spelling = "".join(w.key for w in words)
        if len(spelling) < 4:
            return None
        sound = "".join(w.sound for w in words)
        # Sound keys drop vowels, so alone they over-match ("seated rose" ~ "side raise");
        # spelling alone misses mishearings. Score the mean, over each ratio's best candidate.
        picks: set[int] = set()
        hit = process.extractOne(
            spelling, self._choice_spelling, scorer=fuzz.ratio, score_cutoff=_SPELLING_FLOOR
        )
        if hit is not None:
            picks.add(hit[2])
        if len(sound) >= 3:
            hit = process.extractOne(
                sound, self._choice_sound, scorer=fuzz.ratio, score_cutoff=_SOUND_FLOOR
            )
            if hit is not None:
                picks.add(hit[2])
        best: _Candidate | None = None
        for k in picks:
            score = (
                fuzz.ratio(spelling, self._choice_spelling[k])
                + fuzz.ratio(sound, self._choice_sound[k])
            ) / 2
            if score >= FUZZY_CUTOFF and (best is None or score > best.score * 100):
                best = _Candidate(
                    round(score / 100, 3), j - i, words[0].index, words[-1].index + 1,
                    self._choice_alias[k], "fuzzy",
                )  # fmt: skip
        return best

    def _result(self, cand: _Candidate, tokens: Sequence[Token], runs: list[list[_Item]]) -> Match:
        ex_id = self._alias_ids[cand.alias]
        exercise = self._exercises[self._remap.get(ex_id, ex_id)]
        options = self._alternatives(cand.alias)
        said = {
            kit
            for run in runs
            for k, w in enumerate(run)
            if not cand.start <= w.index < cand.end
            and (kit := _kit(w.key, run[k - 1].key if k else "")) is not None
        }
        if any(
            a.norm == "no" and b.norm in ("weight", "weights", "dumbbells", "load")
            for a, b in itertools.pairwise(tokens)
        ):
            said = {"bodyweight"}  # "walking lunges, no weights"
        elif (
            not said
            and exercise.equipment not in ("cable", "machine", "smith_machine")
            and not any(_kit(t.norm, "") for t in tokens[cand.start : cand.end])
            and _dumbbell_pair(tokens, cand.start, cand.end)
        ):
            said = {"dumbbell"}  # "incline press with the 70s": a pair of dumbbells
        fits_option = any(_has_equipment(e, said) for e in options)
        if said and not fits_option and not _has_equipment(exercise, said):
            # "romanian deadlift with the dumbbells": the same movement with the kit said
            variant = self._variant(exercise, said)
            if variant is not None:
                exercise = self._exercises[self._remap.get(variant.id, variant.id)]
        if options and not _unilateral(exercise) and _one_sided(tokens):
            # "db row 90 x 8 each arm": of the exercises the alias may name, the one-arm one
            one_arm = [e for e in options if _unilateral(e)]
            if one_arm:
                exercise = one_arm[0]
        elif options:
            if said and not _has_equipment(exercise, said):
                fitting = [e for e in options if _has_equipment(e, said)]
                if fitting:
                    exercise = fitting[0]
            elif exercise.category != "cardio" and any(t.norm in _CARDIO_WORDS for t in tokens):
                # "row 2000 meters" is the rowing machine, "bike 45 minutes zone 2" a bike
                cardio = [e for e in options if e.category == "cardio"]
                if cardio:
                    exercise = cardio[0]
        qualified = self._qualified(exercise, tokens, cand.start, cand.end)
        if qualified is not None:
            exercise = self._exercises[self._remap.get(qualified.id, qualified.id)]
        others = tuple(e for e in options if e.id != exercise.id)[:3]
        return Match(exercise, cand.start, cand.end, cand.alias, cand.score, others, cand.method)

    def _qualified(
        self, exercise: Exercise, tokens: Sequence[Token], start: int, end: int
    ) -> Exercise | None:
        """ "pull ups 15 kipping", "deadlift 405 deficit": a qualifier said near, but apart
        from, the exercise names its variant (every extra word of the variant's name said)."""
        near = {
            _qualifier(t.norm)
            for t in [*tokens[max(0, start - 3) : start], *tokens[end : end + 3]]
            if t.value is None
        }
        near -= _STOP
        if not near:
            return None
        base = _base(exercise.name)
        best: Exercise | None = None
        for other in {e.id: e for w in sorted(near) for e in self._by_word.get(w, ())}.values():
            words = _base(other.name)
            extra = words - base
            if words > base and extra <= near and (best is None or words > _base(best.name)):
                best = other
        return best

    def _variant(self, exercise: Exercise, said: set[str]) -> Exercise | None:
        """The same movement with the equipment said: same name words, or one fewer
        ("barbell back squat" on the smith machine is the smith machine squat)."""
        base = _base(exercise.name)
        same = [e for e in self._variants.get(base, ()) if _has_equipment(e, said)]
        if same:
            return same[0]
        near = [
            e
            for e in self.catalog
            if _has_equipment(e, said) and _base(e.name) < base and base - _base(e.name) <= _PLAIN
        ]
        return near[0] if len(near) == 1 else None

    def _alternatives(self, alias: str) -> list[Exercise]:
        out: list[Exercise] = []
        for e in self.catalog.alternatives_for(alias):
            owner = self._remap.get(e.id)
            out.append(self._exercises[owner] if owner else e)
        return out

    # --- learning ---------------------------------------------------------------------------

    def _register(self, ex_id: ExerciseId, name: str, report: LearnReport) -> None:
        known = self._exercises.get(ex_id)
        if known is not None and ex_id not in self._remap:
            if known.name != name:
                self._exercises[ex_id] = known.model_copy(update={"name": name})
                self._added[ex_id] = self._exercises[ex_id]
            self._alias_ids.setdefault(normalise_alias(name), ex_id)
            return
        adopted = self._catalogue_twin(name)
        self._add(ex_id, name, adopted)
        if adopted is not None:
            report.exercises_adopted[adopted] = ex_id
        else:
            report.exercises_added.append(ex_id)

    def _adopt_by_usage(
        self,
        counts: dict[str, Counter[ExerciseId]],
        used: set[ExerciseId],
        report: LearnReport,
    ) -> None:
        """A new id whose transcripts keep using one catalogue exercise's aliases takes it over.

        ("bench" and "flat bench" for the owner's "Flat Barbell Bench" -> Barbell Bench Press.)
        """
        new = set(report.exercises_added)
        evidence: dict[ExerciseId, Counter[ExerciseId]] = defaultdict(Counter)
        for key, by_id in counts.items():
            known = self._id_of_key(key)
            if known is None:
                continue
            for ex_id, seen in by_id.items():
                if ex_id in new:
                    evidence[ex_id][known] += seen
        for ex_id, by_known in evidence.items():
            known, seen = by_known.most_common(1)[0]
            if (
                seen >= MIN_SEEN
                and seen / sum(by_known.values()) >= MIN_SHARE
                and self.catalog.by_id(known) is not None
                and known not in self._remap
                and known not in used
            ):
                self._add(ex_id, self._exercises[ex_id].name, known)
                report.exercises_added.remove(ex_id)
                report.exercises_adopted[known] = ex_id

    def _catalogue_twin(self, name: str) -> ExerciseId | None:
        """Id of the not yet adopted catalogue exercise named like `name`, if any."""
        exact = self.catalog.by_name(name)
        if exact is not None:
            return exact.id if exact.id not in self._remap else None
        choices = {e.id: e.name.lower() for e in self.catalog if e.id not in self._remap}
        hit = process.extractOne(
            name.lower(), choices, scorer=fuzz.ratio, score_cutoff=ADOPT_CUTOFF
        )
        return None if hit is None else hit[2]

    def _add(
        self, ex_id: ExerciseId, name: str, adopted: ExerciseId | None, *, v1: bool = False
    ) -> None:
        base = self._exercises.get(adopted) if adopted is not None else None
        if base is not None:
            exercise = base.model_copy(update={"id": ex_id, "name": name})
            self._remap[base.id] = ex_id
            for alias, target in self._alias_ids.items():
                if target == base.id:
                    self._alias_ids[alias] = ex_id
        else:
            exercise = Exercise(id=ex_id, name=name)
        self._exercises[ex_id] = exercise
        self._added[ex_id] = exercise
        if base is not None and not v1:
            # An owner id taking over a catalogue exercise resolves as the catalogue id would:
            # its name does not take an ambiguous alias from the catalogue's default ("dumbbell
            # row"), so an owner's own ids (17, "db-4") answer as the catalogue's UUIDs do.
            # Models saved before (resolver version 1) keep the name taking the alias.
            self._alias_ids.setdefault(normalise_alias(name), ex_id)
        else:
            self._alias_ids[normalise_alias(name)] = ex_id


def examples_from_records(records: Iterable[dict[str, Any]]) -> Iterator[TrainingExample]:
    """Training pairs from chat records (system, user, assistant JSON with exercise_id/name).

    A record whose system prompt carries a context with the same exercise id as the answer is
    marked `from_context`: its transcript ("same weight for 7") need not name the exercise.
    """
    for record in records:
        messages = record.get("messages") or []
        user = next((m.get("content") for m in messages if m.get("role") == "user"), None)
        answer = next(
            (m.get("content") for m in reversed(messages) if m.get("role") == "assistant"), None
        )
        if not isinstance(user, str) or not isinstance(answer, str):
            continue
        try:
            data = json.loads(answer)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        ex_id, name = _as_id(data.get("exercise_id")), data.get("exercise_name")
        system = next((m.get("content") for m in messages if m.get("role") == "system"), "")
        yield TrainingExample(
            user,
            ex_id,
            name if isinstance(name, str) else None,
            same_id(_context_id(system), ex_id),
        )


def _as_id(value: object) -> ExerciseId | None:
    """An id as the record has it: a string or whole number kept, anything else as text."""
    if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
        return value
    return str(value)


def _context_id(system: object) -> ExerciseId | None:
    if not isinstance(system, str) or "Context:" not in system:
        return None
    try:
        context = json.loads(system.rsplit("Context:", 1)[1])
    except ValueError:
        return None
    if not isinstance(context, dict):
        return None
    return _as_id(context.get("current_exercise_id"))


# --- words ------------------------------------------------------------------------------------


def _singular(word: str) -> str:
    n = len(word)
    if n > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if n > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word == "ups" or (n > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))):
        return word[:-1]
    return word


@lru_cache(maxsize=16384)
def _word(norm: str) -> tuple[str, str, bool, bool]:
    """(key, sound key, stop word, misheard) of one lower-case word."""
    w = norm.replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    stop = w in _STOP or norm in _STOP
    w = _singular(w)
    fixed = _MISHEARD.get(w)
    if fixed is not None:
        return fixed, phonetic_key(fixed), False, True
    return w, phonetic_key(w), stop, False


def _runs(tokens: Sequence[Token]) -> list[list[_Item]]:
    """Runs of word and number items, split at punctuation that separates phrases."""
    runs: list[list[_Item]] = []
    run: list[_Item] = []
    for index, tok in enumerate(tokens):
        if tok.kind == PUNCT:
            if tok.norm not in _JOINERS and run:
                runs.append(run)
                run = []
            continue
        if tok.value is not None:
            key = "".join(_word(p)[0] for p in tok.text.lower().replace("-", " ").split())
            run.append(_Item(key, key, index, True, False, False))
        else:
            key, sound, stop, misheard = _word(tok.norm)
            run.append(_Item(key, sound, index, False, stop, misheard))
    if run:
        runs.append(run)
    return runs


@lru_cache(maxsize=32768)
def _alias_key(alias: str) -> tuple[str, str, int]:
    """(joined key, joined sound key, word count) of an alias; empty key if only stop words."""
    items = _alias_items(alias)
    if not items or all(w.stop or w.number for w in items):
        return "", "", 0
    return "".join(w.key for w in items), "".join(w.sound for w in items), len(items)


@lru_cache(maxsize=32768)
def _alias_items(alias: str) -> tuple[_Item, ...]:
    """Word items of an alias, in order."""
    return tuple(w for run in _runs(spoken_numbers(alias)) for w in run)


@lru_cache(maxsize=32768)
def _alias_words(alias: str) -> tuple[str, ...]:
    """Word keys of an alias, in order."""
    return tuple(w.key for w in _alias_items(alias))


#: Word pairs that say a set was done one side at a time.
_ONE_SIDED = frozenset(
    (a, b) for a in ("each", "per", "ea", "single", "one") for b in ("arm", "leg", "side")
)
_UNILATERAL_WORDS = ("one arm", "single arm", "one leg", "single leg", "unilateral")


def _one_sided(tokens: Sequence[Token]) -> bool:
    return any((a.norm, b.norm) in _ONE_SIDED for a, b in itertools.pairwise(tokens))


def _unilateral(exercise: Exercise) -> bool:
    """An exercise done one side at a time, as its name or aliases say."""
    return any(
        w in name for name in (exercise.name.lower(), *exercise.aliases) for w in _UNILATERAL_WORDS
    )


def _content(item: _Item) -> bool:
    return not item.stop and not item.number


def _spans(run: list[_Item], min_words: int) -> Iterator[tuple[int, int]]:
    """Spans of content words (no numbers) that start and end on a non-stop word."""
    size = len(run)
    for i in range(size):
        if not _content(run[i]):
            continue
        for j in range(i + 1, min(size, i + MAX_SPAN_WORDS) + 1):
            if run[j - 1].number:
                break
            if j - i >= min_words and _content(run[j - 1]):
                yield i, j


#: Words that only cardio work is measured in.
_CARDIO_WORDS = frozenset(
    "meters meter metres m km k miles mile yards calories cals cal zone pace split splits "
    "watts".split()
)


#: Words before "bar" that make it other kit than a barbell ("easy bar" is a misheard EZ bar).
_BAR_KINDS = {"ez": "ez", "easy": "ez", "trap": "", "hex": "", "safety": "", "ssb": "", "pull": ""}


def _kit(key: str, before: str) -> str | None:
    """The equipment a word names, given the word before it, or None."""
    if key == "bar" and before in _BAR_KINDS:
        return _BAR_KINDS[before] or None
    return _EQUIPMENT.get(key)


def _dumbbell_pair(tokens: Sequence[Token], start: int, end: int) -> bool:
    """Whether a pair of dumbbells is said outside the exercise's words: "the 70s", "a pair of
    30s" (not plates named by size, "two 45s a side")."""
    for k, tok in enumerate(tokens):
        if start <= k < end or tok.kind != "plural" or k == 0:
            continue
        before = tokens[k - 1].norm
        after = [t.norm for t in tokens[k + 1 : k + 3]]
        on_a_bar = after[:1] == ["on"] or after[1:2] in (["side"], ["sides"])
        if before in ("the", "of") and not on_a_bar:
            return True
    return False


#: How close (0-1) an exercise named after a correction cue must match to replace the first.
_CORRECTED_SCORE = 0.85

#: Words that start a self-correction ("I mean", "no wait", "sorry", "scratch that").
_CORRECTION_CUES = frozenset({"mean", "wait", "sorry", "scratch", "actually", "correction"})

#: Words after which another exercise is named than the one logged.
_NEXT_EXERCISE = frozenset({"superset", "supersetted", "followed", "paired"})

#: Words an exercise name can lose and stay the same movement ("back squat" = "squat"; a
#: "curtsy lunge" is no plain lunge).
_PLAIN = frozenset({"back", "standing", "flat", "bent", "over", "regular", "sumo"})


def _qualifier(word: str) -> str:
    """A qualifier as exercise names spell it ("paused" -> "pause", "no weights" aside)."""
    return {"paused": "pause", "pauses": "pause", "kip": "kipping", "strict": "strict"}.get(
        word, word
    )


#: How alike (0-100) the words a fuzzy extension adds must be to the words it explains them as.
ADDED_WORDS_CUTOFF = 60.0


def _added_words_match(run: list[_Item], i: int, n: int, cand: _Candidate, exact: str) -> bool:
    """Whether the words a fuzzy extension adds sound like the alias words they stand for:
    "goblin" for "goblet", never "lad" for "dead" in "right lad squats"."""
    inside = {w.index for w in run[i : i + n]}
    added = "".join(
        w.key for w in run if cand.start <= w.index < cand.end and w.index not in inside
    )
    extra = "".join(w for w in _alias_words(cand.alias) if w not in set(_alias_words(exact)))
    if not added or not extra:
        return True
    return fuzz.ratio(added, extra) >= ADDED_WORDS_CUTOFF


def _keeps_words(exact: str, extended: str) -> bool:
    """Whether a fuzzy extension still says every word of the exact alias it grew from:
    "goblin squat" may become "goblet squat", but "client goblet squat" never "landmine
    squat"."""
    return set(_alias_words(exact)) <= set(_alias_words(extended))


def _only_equipment_added(run: list[_Item], i: int, n: int, cand: _Candidate) -> bool:
    """Whether a fuzzy extension only adds equipment words to an exact match ("incline
    dumbbell"): the equipment then picks among the exact alias's alternatives instead of a
    near-miss alias ("incline dumbbell row")."""
    inside = {w.index for w in run[i : i + n]}
    added = [w for w in run if cand.start <= w.index < cand.end and w.index not in inside]
    return bool(added) and all(w.key in _EQUIPMENT for w in added)


#: Equipment words in exercise names, dropped to find the same movement with other kit.
_KIT_WORDS = frozenset(
    "barbell dumbbell kettlebell cable machine smith ez bar band banded bodyweight".split()
)


@lru_cache(maxsize=4096)
def _base(name: str) -> frozenset[str]:
    """The words of an exercise name without its equipment ("Dumbbell Romanian Deadlift" ->
    {romanian, deadlift})."""
    return frozenset(w for w in name.lower().replace("-", " ").split() if w not in _KIT_WORDS)


def _has_equipment(exercise: Exercise, said: set[str]) -> bool:
    name = exercise.name.lower()
    return any(s in name or s == exercise.equipment for s in said)


def _training_span(tokens: list[Token], target_keys: list[str]) -> tuple[str, str] | None:
    """(joined key, surface alias) of the span that names the exercise in a training text.

    The best-matching content span wins; with no good match, the text's only content run
    (a slang name like "the big three press") is used. Spelled-out numbers may sit inside a
    span ("big three press") but not at its ends.
    """
    runs = _runs(tokens)
    best: tuple[float, int, list[_Item]] | None = None
    pieces: list[list[_Item]] = []
    for run in runs:
        piece: list[_Item] = []
        for pos, w in enumerate(run):
            inner_number = (
                w.number
                and tokens[w.index].kind == "words"
                and piece
                and pos + 1 < len(run)
                and _content(run[pos + 1])
            )
            if _content(w) or inner_number or (piece and not w.number and w.stop):
                piece.append(w)
            elif piece:
                pieces.append(piece)
                piece = []
        if piece:
            pieces.append(piece)
    trimmed = [p for p in (_trim(p) for p in pieces) if p]
    for piece in trimmed:
        size = len(piece)
        for i in range(size):
            if not _content(piece[i]):
                continue
            for j in range(i + 1, min(size, i + MAX_SPAN_WORDS) + 1):
                if not _content(piece[j - 1]):
                    continue
                key = "".join(w.key for w in piece[i:j])
                score = 0.0
                if target_keys:
                    hit = process.extractOne(key, target_keys, scorer=fuzz.ratio)
                    score = hit[1] if hit is not None else 0.0
                if best is None or (score, j - i) > best[:2]:
                    best = (score, j - i, piece)
    if best is not None and best[0] >= LEARN_CUTOFF:
        piece = best[2]
    elif len(trimmed) == 1:
        piece = trimmed[0]  # a slang name that resembles nothing known
    else:
        return None
    # The whole phrase around the best span is what the owner says ("the big three press").
    if len(piece) > MAX_SPAN_WORDS - 1:
        return None
    return "".join(w.key for w in piece), _surface(tokens, piece)


def _trim(piece: list[_Item]) -> list[_Item]:
    lo, hi = 0, len(piece)
    while lo < hi and not _content(piece[lo]):
        lo += 1
    while hi > lo and not _content(piece[hi - 1]):
        hi -= 1
    return piece[lo:hi]


def _surface(tokens: Sequence[Token], words: list[_Item]) -> str:
    return normalise_alias(
        " ".join(tokens[k].text for k in range(words[0].index, words[-1].index + 1))
    )
