"""What a lifter says into the phone: one structured `Sample` per utterance, with its text.

Each builder draws the meaning first (exercise, load, reps, effort, ...) and then one of many
ways of saying it. Shares (per utterance, train and test alike; see also `generator`):

- not-a-set lines (questions, app commands, chit-chat, noise; see `negatives`) only when
  asked for (`--negatives`, a share of all utterances; the shares below are of the rest);
- kind: 2.5 % no exercise named, 13 % follow-ups with context (a tenth of them name a new
  exercise), the rest single sets, timed holds, carries and cardio as the exercise demands;
- number style: 56 % digits, 30 % words, 14 % mixed; 18 % of loads in kg;
- barbell loads as plates 14 %, dumbbell loads as pairs ("the 80s") 40 %, bodyweight movements
  that take load are weighted 40 %;
- effort 38 % (RPE 55 %, RIR 28 %, failure 17 %; a quarter of RPEs are halves), sets x reps
  12 %, tempo 5 %, rest 7 %, remarks 13 %, self-corrections about 8 %;
- speech-to-text errors in 16 % (see `noise`), filler words in 30 %;
- a few % each of: reps as count words ("for a triple", "a set of five"), unilateral reps
  ("10 each side"), kettlebell pairs, bare reps on bodyweight moves ("pull ups 12"),
  qualifiers after the name ("pull ups kipping"), set indices ("set three", "last set"),
  drop sets after the logged set, machine settings ("level 8", "zone 2"), spoken splits
  ("one forty two"), run-ons without commas.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from repvoice.catalog import Catalog, Exercise
from repvoice.catalog.catalog import normalise_alias
from repvoice.data.synth import templates as t
from repvoice.data.synth.negatives import not_a_set
from repvoice.data.synth.noise import format_like_stt, mishear
from repvoice.data.synth.profiles import (
    KETTLEBELL_KG,
    KETTLEBELL_LBS,
    draw_load,
    draw_reps,
    load_range,
    popularity,
)
from repvoice.data.synth.sample import Effort, Load, Sample
from repvoice.data.synth.spoken import (
    NUMBER_WORDS,
    Style,
    say_duration,
    say_int,
    say_split,
    say_weight,
)

#: Bodyweight movements people also do with added load.
WEIGHTED_BODYWEIGHT = frozenset(
    {
        "Dip",
        "Ring Dip",
        "Pull-Up",
        "Chin-Up",
        "Neutral Grip Pull-Up",
        "Push-Up",
        "Back Extension",
        "Glute Ham Raise",
        "Decline Sit-Up",
        "Hanging Leg Raise",
        "Russian Twist",
        "Glute Bridge",
        "Pistol Squat",
        "Inverted Row",
        "Muscle-Up",
        "Sit-Up",
        "Cossack Squat",
        "Tibialis Raise",
        "Plank",
        "Wall Sit",
        "Bodyweight Lunge",
        "Jump Squat",
        "Box Jump",
        "Lying Leg Raise",
    }
)

#: Unilateral work and the limb its reps are counted per ("10 each leg").
UNILATERAL: dict[str, str] = {
    "Bulgarian Split Squat": "leg",
    "Dumbbell Split Squat": "leg",
    "Smith Machine Split Squat": "leg",
    "ATG Split Squat": "leg",
    "Dumbbell Lunge": "leg",
    "Dumbbell Walking Lunge": "leg",
    "Dumbbell Reverse Lunge": "leg",
    "Barbell Lunge": "leg",
    "Bodyweight Lunge": "leg",
    "Lateral Lunge": "side",
    "Curtsy Lunge": "leg",
    "Dumbbell Step-Up": "leg",
    "Pistol Squat": "leg",
    "Cossack Squat": "side",
    "Dumbbell Single Leg Romanian Deadlift": "leg",
    "Cable Glute Kickback": "leg",
    "Machine Glute Kickback": "leg",
    "Dumbbell Row": "arm",
    "Kettlebell Row": "arm",
    "Meadows Row": "arm",
    "Single Arm Cable Row": "arm",
    "Single Arm Lat Pulldown": "arm",
    "Dumbbell Concentration Curl": "arm",
    "Dumbbell Tricep Kickback": "arm",
    "Dumbbell Hammer Curl": "arm",
    "Dumbbell Bicep Curl": "arm",
    "Cable Lateral Raise": "side",
    "Dumbbell Side Bend": "side",
    "Kettlebell Windmill": "side",
    "Pallof Press": "side",
    "Renegade Row": "side",
}

#: Cable work with a stack on each side, whose load is said per side ("30 each side for 12").
PER_SIDE_LOADS = frozenset(
    {"Cable Chest Fly", "Low-to-High Cable Fly", "Cable Rear Delt Fly", "Cable Lateral Raise"}
)

#: Kettlebell lifts people also do with two bells ("double 24s").
DOUBLE_BELLS = frozenset(
    {
        "Kettlebell Front Squat",
        "Kettlebell Press",
        "Kettlebell Clean",
        "Kettlebell Clean and Press",
        "Kettlebell Row",
        "Kettlebell Deadlift",
        "Kettlebell Swing",
    }
)

#: Leading words of an alias that lifters also say after the rest of the name ("pull ups
#: kipping", "bench paused"), used only where the rest still names a catalogue exercise.
QUALIFIERS = (
    "kipping",
    "paused",
    "pause",
    "strict",
    "deficit",
    "high bar",
    "low bar",
    "close grip",
    "wide grip",
    "reverse grip",
    "single arm",
    "single leg",
    "one arm",
    "incline",
    "decline",
    "seated",
    "standing",
    "weighted",
)

#: Which set of the exercise this is: an index, never a count.
INDICES = (
    "round {n}",
    "set {n}",
    "set number {n}",
    "last set",
    "first set",
    "final set",
    "second set",
    "third set",
    "last set of these",
)

#: Words around a filler or run-on join ("bench 225 for 5 and uh rpe 8").
JOINS = (" and ", " and ", ", and ", " uh ", " um ", " and uh ", " and then ")

REMARKS = (
    "felt heavy",
    "felt heavy today",
    "felt easy",
    "felt smooth",
    "moved fast",
    "bar speed was good",
    "left knee a bit sore",
    "right shoulder felt tight",
    "lower back was tight",
    "grip was giving out",
    "form broke down at the end",
    "new pr",
    "felt strong",
    "belt on",
    "no belt",
    "used straps",
    "with straps",
    "slow eccentric",
    "elbow felt off",
    "hips shot up",
    "lost tightness",
    "a bit of a grind",
    "ugly lockout",
    "tough one",
    "last one was a grind",
    "easy warm up",
    "warm up set",
    "top set",
    "back off set",
    "pinky went numb",
    "hamstrings are cooked",
    "pump was crazy",
    "legs were shaking",
    "breathing was off",
    "felt a tweak in my left hip",
    "knee sleeves on",
    "good mind muscle connection",
    "spotter helped on the last one",
    "narrow stance",
    "wide stance",
    "controlled negative",
    "shoulder clicking",
    "felt it in my lats",
    "sharp pain in my elbow",
    "needed a spot",
    "felt great",
    "right hip pinching",
    "left wrist hurts",
    "super slow",
    "kept it strict",
    "a little cheaty",
    "almost missed it",
    "long pause at the bottom",
    "feeling beat up today",
    "easy",
    "way too easy",
    "brutal",
    "hard",
    "not feeling it today",
    "slept badly",
    "first time trying these",
    "with a pause",
    "dropped the weight at the end",
    "low back fine",
    "hooked grip",
    "mixed grip",
    "grinder",
    "that was a grinder",
    "unbroken",
    "moved well",
    "smooth",
    "easy one",
    "two second squeeze",
    "with a 2 second pause at the bottom",
    "three second negatives",
    "1 second pause on the chest",
)

FILLER_PREFIXES = (
    "um",
    "uh",
    "um okay so",
    "okay",
    "ok",
    "so",
    "alright",
    "log",
    "log it",
    "just did",
    "put down",
    "record",
    "yeah",
    "okay log",
    "uh so",
    "hey",
    "um so",
    "alright so",
    "okay um",
    "ok so",
    "so um",
    "just finished",
    "I did",
    "did",
    "log that",
)
FILLER_SUFFIXES = ("thanks", "please", "I think", "that's it", "done", "and that's it", "log it")

_VERBS = frozenset({"did", "held", "ran", "got", "took", "rowed"})

TEMPOS = (
    "3010",
    "3110",
    "2010",
    "4010",
    "3011",
    "31X0",
    "20X0",
    "311",
    "301",
    "5010",
    "2110",
    "3030",
    "4020",
    "21X1",
)
RESTS = (45, 60, 60, 90, 90, 90, 120, 120, 150, 180, 180, 240, 300)
RPES = (6, 6.5, 7, 7, 7.5, 8, 8, 8, 8.5, 9, 9, 9, 9.5, 10)
RIRS = (0, 1, 1, 2, 2, 2, 3, 3, 4, 5)


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


class Scenarios:
    """Builds samples over one catalogue."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.exercises = list(catalog)
        self.weights = [popularity(e) for e in self.exercises]
        self.aliases: dict[str, list[str]] = {}
        for e in self.exercises:
            said = dict.fromkeys(normalise_alias(a) for a in [e.name, *e.aliases])
            self.aliases[e.id] = [a for a in said if catalog.by_alias(a) is e]
        self.context_pool = [
            e
            for e in self.exercises
            if not e.timed and e.category not in ("cardio", "mobility", "carry")
        ]
        self.context_weights = [popularity(e) for e in self.context_pool]
        self.reordered: dict[str, list[str]] = {}
        for e in self.exercises:
            for alias in self.aliases[e.id]:
                for q in QUALIFIERS:
                    rest = alias[len(q) + 1 :]
                    if alias.startswith(q + " ") and catalog.by_alias(rest) is not None:
                        self.reordered.setdefault(e.id, []).append(f"{rest} {q}")

    # -- drawing ---------------------------------------------------------------------------

    def draw_exercise(self, rng: random.Random) -> Exercise:
        return rng.choices(self.exercises, self.weights)[0]

    def alias_for(self, exercise: Exercise, rng: random.Random) -> tuple[str, bool]:
        """A way of naming the exercise that the catalogue resolves back to it."""
        alias = rng.choice(self.aliases[exercise.id])
        return alias, bool(self.catalog.alternatives_for(alias))

    def said_name(self, exercise: Exercise, alias: str, rng: random.Random) -> str:
        """The alias as said: now and then with its qualifier last ("pull ups kipping")."""
        options = self.reordered.get(exercise.id)
        if options and _chance(rng, 0.2):
            return rng.choice(options)
        return alias

    @staticmethod
    def _style(rng: random.Random) -> Style:
        return rng.choices(["digits", "words", "mixed"], [56, 30, 14])[0]  # type: ignore[return-value]

    # -- entry point -----------------------------------------------------------------------

    def build(
        self, rng: random.Random, exercise: Exercise | None = None, *, negative: bool = False
    ) -> Sample:
        """One sample; `exercise` forces a plain set of that exercise (catalogue coverage);
        `negative` asks for a not-a-set utterance (a question, a command, chit-chat)."""
        style = self._style(rng)
        if negative:
            sample = self._not_a_set(rng, style)
        elif exercise is None:
            roll = rng.random()
            if roll < 0.025:
                sample = self._no_exercise(rng, style)
            elif roll < 0.155:
                sample = self._followup(rng, style)
            else:
                sample = self._for_exercise(self.draw_exercise(rng), rng, style)
        else:
            sample = self._for_exercise(exercise, rng, style)
        sample.style = style
        sample.prompt = "short" if _chance(rng, 0.15) else "training"
        sample.clarity = round(rng.uniform(0.9, 0.97), 2)
        return sample

    def _for_exercise(self, exercise: Exercise, rng: random.Random, style: Style) -> Sample:
        if exercise.category == "cardio" and exercise.timed:
            return self._cardio(exercise, rng, style)
        if exercise.timed:
            return self._timed(exercise, rng, style)
        return self._strength(exercise, rng, style)

    # -- finishing -------------------------------------------------------------------------

    def _finish(self, s: Sample, core: str, rng: random.Random, *, filler: bool = True) -> Sample:
        """Noise on the spoken core, then the remark, filler, casing and punctuation."""
        if _chance(rng, 0.16):
            core, made = mishear(core, rng, 2 if _chance(rng, 0.2) else 1)
            s.noise = tuple(made)
        if s.drop:
            lead = rng.choice([" ", ", ", " then ", " with a ", " and a ", ", then a "])
            core += lead + s.drop
        if s.remark:
            core += rng.choice([" ", ", ", " ", ". "]) + t.remark_phrase(s.remark, rng)
        if filler and _chance(rng, 0.3):
            prefix = rng.choice(FILLER_PREFIXES)
            verb = prefix.split()[-1] in ("did", "finished")
            if not (verb and (s.kind == "followup" or core.split()[0] in _VERBS)):
                core = prefix + rng.choice([" ", " ", ", "]) + core
        if filler and _chance(rng, 0.05):
            core += rng.choice([" ", ", "]) + rng.choice(FILLER_SUFFIXES)
        if _chance(rng, 0.1):
            core = core.replace(", ", " ").replace(". ", " ")  # a run-on, as many STT engines
        s.text = format_like_stt(" ".join(core.split()), rng)
        return s

    def _extras(
        self,
        s: Sample,
        rng: random.Random,
        style: Style,
        *,
        effort_p: float = 0.38,
        tempo_p: float = 0.05,
        rest_p: float = 0.07,
    ) -> list[str]:
        """Effort, tempo and rest phrases (values stored on the sample)."""
        parts: list[str] = []
        if _chance(rng, effort_p):
            s.effort = self._effort(rng)
            parts.append(t.effort_phrase(s.effort.kind, s.effort.values, style, rng))
        if _chance(rng, tempo_p):
            s.tempo = rng.choice(TEMPOS)
            parts.append(t.tempo_phrase(s.tempo, style, rng))
        if _chance(rng, rest_p):
            s.rest = rng.choice(RESTS)
            parts.append(t.rest_phrase(s.rest, style, rng))
        rng.shuffle(parts)
        if _chance(rng, 0.13):
            s.remark = rng.choice(REMARKS)
        return parts

    @staticmethod
    def _effort(rng: random.Random) -> Effort:
        kind = rng.choices(["rpe", "rir", "failure"], [55, 28, 17])[0]
        if kind == "failure":
            return Effort("failure")
        if kind == "rpe":
            value = float(rng.choice(RPES))
            if _chance(rng, 0.08):
                wrong = value - rng.choice([0.5, 1]) if value > 6 else value + 1
                return Effort("rpe", (wrong, value))
            return Effort("rpe", (value,))
        value = float(rng.choice(RIRS))
        if _chance(rng, 0.05):
            return Effort("rir", (value + 1, value))
        return Effort("rir", (value,))

    @staticmethod
    def _join(parts: list[str], rng: random.Random) -> str:
        sep = rng.choice([" ", " ", " ", ", "])
        if _chance(rng, 0.08):
            sep = rng.choice(JOINS)
        out = ""
        for part in (p for p in parts if p):
            # two spoken numbers side by side would read as one ("three thirty" "four min")
            glue = ", " if sep == " " and _merges(out, part) else sep
            out = f"{out}{glue}{part}" if out else part
        return out

    # -- loads -----------------------------------------------------------------------------

    def _unit(self, rng: random.Random) -> str:
        return "kg" if _chance(rng, 0.18) else "lbs"

    def _loaded(self, e: Exercise, rng: random.Random, style: Style, s: Sample) -> str:
        """Draw a load for `e` (and `s.reps`) into `s`; returns the load phrase."""
        unit = self._unit(rng)
        weight = draw_load(e, unit, rng, s.reps[-1] if s.reps else None)
        s.unit = unit  # type: ignore[assignment]
        barbell = e.equipment in ("barbell",) and load_range(e).high >= 135
        if unit == "lbs" and barbell and _chance(rng, 0.16):
            plates = self._plates_near(weight, rng)
            if plates:
                s.load = Load("plates", plates=plates)
                return rng.choice(t.PLATE_PHRASES[plates])
        if unit == "lbs" and barbell and load_range(e).low <= 95 and _chance(rng, 0.015):
            s.load = Load("bar")
            return rng.choice(t.BAR_PHRASES)
        if e.name in DOUBLE_BELLS and _chance(rng, 0.2):
            bells = KETTLEBELL_KG if unit == "kg" else KETTLEBELL_LBS
            weight = float(min(bells, key=lambda b: abs(b - weight)))
            s.load = Load("pair", (weight,))
            s.unit_said = True
            return t.bells_phrase(weight, unit, style, rng)
        if unit == "lbs" and e.equipment == "dumbbell" and weight >= 10 and _chance(rng, 0.4):
            weight = float(max(10, round(weight / 5) * 5))
            s.load = Load("pair", (weight,))
            return t.pair_phrase(weight, style, rng)
        if e.name in PER_SIDE_LOADS and _chance(rng, 0.3):
            s.load = Load("plain", (weight,))
            s.unit_said = unit == "kg"
            s.extras["per_side"] = True
            word = rng.choice(t.UNIT_WORDS[unit]) if s.unit_said else None
            spoken = t.unit_phrase(say_weight(weight, style, rng), word)
            return f"{spoken} {rng.choice(['each side', 'a side', 'per side', 'on each side'])}"
        values: tuple[float, ...] = (weight,)
        if _chance(rng, 0.04):
            step = 5.0 if unit == "lbs" else 2.5
            wrong = weight + rng.choice([-2, -1, 1, 2]) * step
            if wrong > 0:
                values = (wrong, weight)
        s.load = Load("plain", values)
        s.unit_said = unit == "kg" or _chance(rng, 0.4)
        unit_word = rng.choice(t.UNIT_WORDS[unit]) if s.unit_said else None
        spoken = [say_weight(v, style, rng) for v in values]
        if unit_word and _chance(rng, 0.2) and len(values) > 1:
            spoken = [t.unit_phrase(v, unit_word) for v in spoken]
            return t.values_phrase(spoken, rng)
        return t.unit_phrase(t.values_phrase(spoken, rng), unit_word)

    @staticmethod
    def _plates_near(weight: float, rng: random.Random) -> tuple[int, ...] | None:
        options = [p for p in t.PLATE_PHRASES if abs(45 + 2 * sum(p) - weight) <= 60]
        return rng.choice(options) if options else None

    def _added(self, rng: random.Random, style: Style, s: Sample, *, light: bool = False) -> str:
        unit = "kg" if _chance(rng, 0.12) else "lbs"
        if light:
            pool: tuple[float, ...] = (2.5, 5, 5, 10) if unit == "kg" else (5, 10, 10, 15, 20, 25)
        elif unit == "kg":
            pool = (5, 10, 10, 20, 20, 25, 30)
        else:
            pool = (10, 25, 25, 35, 45, 45, 70, 90)
        value = float(rng.choice(pool))
        s.load = Load("added", (value,))
        s.unit = unit  # type: ignore[assignment]
        s.unit_said = unit == "kg" or _chance(rng, 0.3)
        unit_word = rng.choice(t.UNIT_WORDS[unit]) if s.unit_said else None
        return t.added_phrase(value, unit_word, style, rng)

    def _reps(self, e: Exercise, rng: random.Random) -> tuple[int, ...]:
        reps = draw_reps(e, rng)
        if _chance(rng, 0.05):
            wrong = reps + rng.choice([-2, -1, 1, 2])
            if wrong > 0:
                return (wrong, reps)
        return (reps,)

    # -- builders --------------------------------------------------------------------------

    def _strength(self, e: Exercise, rng: random.Random, style: Style) -> Sample:
        alias, ambiguous = self.alias_for(e, rng)
        s = Sample("set", e, alias, ambiguous)
        ex = self.said_name(e, alias, rng)
        weight = ""
        s.reps = self._reps(e, rng)
        if e.bodyweight:
            if e.name in WEIGHTED_BODYWEIGHT and _chance(rng, 0.4):
                weight = self._added(rng, style, s, light=e.category == "core")
        elif not (e.equipment == "band" or (e.category == "plyometric" and e.equipment != "other")):
            weight = self._loaded(e, rng, style, s)
        if _chance(rng, 0.12):
            s.sets = rng.choice([2, 3, 3, 3, 4, 4, 5])
        said = self._reps_said(e, s, rng, style)
        extras = self._extras(s, rng, style)
        self._maybe_drop(e, s, rng, style)
        if s.sets is None and _chance(rng, 0.03):
            index = rng.choice(INDICES).format(n=say_int(rng.randint(1, 5), style, rng))
            extras.insert(0, index) if _chance(rng, 0.5) else extras.append(index)
        if said is not None:
            core = self._arrange(ex, weight, s.reps, s, rng, style, said=said)
            return self._finish(s, self._join(_parts(core, extras, rng), rng), rng)
        trailing = ""
        if len(s.reps) == 1 and s.sets is None and _chance(rng, 0.025):
            right = s.reps[0]
            wrong = right + rng.choice([1, 2, -1])
            if wrong > 0:
                s.reps = (wrong, right)
                trailing = rng.choice(
                    [
                        "actually make that {r}",
                        "actually it was {r}",
                        "no wait {r} reps",
                        "scratch that, {r}",
                        "sorry {r} reps",
                        "actually {r}",
                        "no {r}",
                        "I mean {r}",
                        "wait no {r} reps",
                    ]
                ).format(r=say_int(right, style, rng))
                core = self._arrange(ex, weight, (wrong,), s, rng, style)
                return self._finish(s, self._join([f"{core} {trailing}", *extras], rng), rng)
        core = self._arrange(ex, weight, s.reps, s, rng, style)
        return self._finish(s, self._join(_parts(core, extras, rng), rng), rng)

    def _reps_said(
        self, e: Exercise, s: Sample, rng: random.Random, style: Style
    ) -> tuple[str, str] | None:
        """Reps said other than as a number of reps: per side ("10 each leg", the side words
        kept in `s.side`), as a count word ("a triple"), or "a set of five"; None otherwise.
        Returns the (trailing, leading) phrases."""
        if s.sets is not None:
            return None
        reps = s.reps[-1]
        limb = UNILATERAL.get(e.name)
        if limb is not None and not s.extras.get("per_side") and _chance(rng, 0.3):
            s.reps = (reps,)
            s.side = rng.choice(["each side", "per side", f"each {limb}", f"per {limb}"])
            phrase = t.side_phrase(reps, s.side, style, rng)
            return phrase, phrase
        if _chance(rng, 0.3 if reps <= 3 else 0.02):
            s.reps = (reps,)
            return (
                t.count_phrase(reps, style, rng, lead=False),
                t.count_phrase(reps, style, rng, lead=True),
            )
        return None

    def _maybe_drop(self, e: Exercise, s: Sample, rng: random.Random, style: Style) -> None:
        """Now and then a drop set after the logged set, kept as said in `s.drop`."""
        load = s.load
        if (
            load is None
            or load.kind != "plain"
            or e.equipment not in ("machine", "cable", "dumbbell")
            or s.sets is not None
            or s.side is not None
            or not _chance(rng, 0.04)
        ):
            return
        step = 5.0 if s.unit == "lbs" else 2.5
        lighter = max(step, round(load.values[-1] * rng.uniform(0.55, 0.8) / step) * step)
        reps = say_int(max(4, s.reps[-1] + rng.choice([-2, 0, 2, 4])), style, rng)
        w = say_weight(lighter, style, rng)
        s.drop = rng.choice(
            [
                f"drop set to {w} for {reps}",
                f"drop set {w} for {reps}",
                f"drop set down to {w} for {reps}",
                f"drop set to {w} {reps} reps",
            ]
        )
        s.remark = None

    def _arrange(
        self,
        ex: str,
        weight: str,
        reps: tuple[int, ...],
        s: Sample,
        rng: random.Random,
        style: Style,
        *,
        said: tuple[str, str] | None = None,
    ) -> str:
        """Exercise, load and reps in one of the word orders lifters use; `said` replaces the
        (trailing, leading) reps phrases."""
        kind = s.load.kind if s.load else None
        if s.sets is not None:
            sr = t.sets_reps_phrase(s.sets, reps, style, rng)
            if not weight:
                return rng.choice([f"{sr} {ex}", f"{ex} {sr}", f"{ex}, {sr}", f"did {sr} {ex}"])
            at = "with" if kind in ("pair", "added", "bar") else rng.choice(["at", "with", ""])
            if _merges(weight, sr):
                sr = f"for {sr}"  # "two eighty three sets" would read as 283
            return rng.choice(
                [
                    f"{ex} {sr} {at} {weight}",
                    f"{sr} {ex} {weight}",
                    f"{ex} {weight} {sr}",
                    f"{ex} {weight} for {sr}",
                    f"{ex}, {weight}, {sr}",
                    f"{sr} of {ex} {at} {weight}",
                ]
            )
        rt = t.reps_phrase(reps, style, rng, lead=False)
        rl = t.reps_phrase(reps, style, rng, lead=True)
        if _merges(weight, rt):
            rt = f"for {rt}"  # "fifty eight times" would read as 58, not 50 for 8
        if said is not None:
            rt, rl = said
            if weight and (rt.split(" ", 1)[0].replace(".", "").isdigit() or _merges(weight, rt)):
                rt = f"for {rt}"  # "17.5 15 per side" hides which number is the load
            if not weight:
                return rng.choice([f"{ex} {rt}", f"{ex}, {rt}", f"{ex} {rl}"])
            if kind == "added":
                return rng.choice([f"{ex} {weight} {rt}", f"{ex} {rl} {weight}"])
            at = "with" if kind in ("pair", "bar") else rng.choice(["at", "at", "with"])
            return rng.choice(
                [
                    f"{ex} {weight} {rt}",
                    f"{ex} {weight}, {rt}",
                    f"{rl} {ex} {at} {weight}",
                    f"{ex} {rl} {at} {weight}",
                    f"{weight} {rt} on {ex}",
                ]
            )
        if not weight:
            options = [
                f"{ex} {rt}",
                f"{rl} {ex}",
                f"{ex} {rl}",
                f"did {rl} {ex}",
                f"{ex}, {rl}",
                f"{rl} of {ex}",
            ]
            if said is None and len(reps) == 1 and _chance(rng, 0.3):
                # "pull ups 12", "dips 15 bodyweight": a bare number on a bodyweight move
                r = say_int(reps[0], style, rng)
                options = [f"{ex} {r}", f"{ex} {r}"]
                if s.exercise is not None and s.exercise.bodyweight:
                    options += [f"{ex} {r} bodyweight", f"bodyweight {ex} {r}"]
            return rng.choice(options)
        if kind == "added":
            return rng.choice(
                [
                    f"{ex} {weight} {rt}",
                    f"{ex} {rl} {weight}",
                    f"{ex}, {weight}, {rt}",
                    f"{rl} {ex} {weight}",
                ]
            )
        at = "with" if kind in ("pair", "bar") else rng.choice(["at", "at", "with"])
        return rng.choice(
            [
                f"{ex} {weight} {rt}",
                f"{ex} {weight} {rt}",
                f"{ex} {weight}, {rt}",
                f"{rl} of {ex} {at} {weight}",
                f"{rl} {ex} {at} {weight}",
                f"did {ex}, {weight}, {rl}",
                f"{weight} {rt} on {ex}",
                f"{ex} {rl} {at} {weight}",
                f"{weight} {ex} {rt}",
                f"{ex} {at} {weight} {rt}",
                f"{ex} {rl} {weight}",
            ]
        )

    def _timed(self, e: Exercise, rng: random.Random, style: Style) -> Sample:
        alias, ambiguous = self.alias_for(e, rng)
        s = Sample("timed", e, alias, ambiguous)
        weight = ""
        if e.category == "carry":
            if e.equipment in ("dumbbell", "kettlebell") and _chance(rng, 0.6):
                value = float(rng.choice((35, 40, 50, 53, 60, 70, 80, 90, 100, 110)))
                s.load, s.unit = Load("pair", (value,)), "lbs"
                weight = t.pair_phrase(value, style, rng)
            else:
                weight = self._loaded(e, rng, style, s)
        elif e.name in WEIGHTED_BODYWEIGHT and _chance(rng, 0.2):
            weight = self._added(rng, style, s)
        if e.category == "carry" and _chance(rng, 0.5):
            n, unit = rng.choice(
                [
                    (40, "meters"),
                    (50, "meters"),
                    (100, "feet"),
                    (30, "yards"),
                    (50, "yards"),
                    (20, "meters"),
                    (60, "meters"),
                ]
            )
            s.detail = f"{n} {unit}"
            amount = f"{say_int(n, style, rng)} {unit}"
        else:
            s.duration = rng.choice(
                (15, 20, 30, 30, 40, 45, 45, 60, 60, 60, 75, 90, 90, 120, 150, 180)
            )
            amount = say_duration(s.duration, style, rng)
        if e.category == "mobility" and _chance(rng, 0.4):
            s.detail = "each side"
            amount += " each side"
        if _chance(rng, 0.2):
            s.sets = rng.choice([2, 3, 3, 4, 5])
        extras = self._extras(s, rng, style, effort_p=0.1, tempo_p=0, rest_p=0.1)
        ex = alias
        if s.sets:
            sets = f"{say_int(s.sets, style, rng)} sets of"
            if style == "digits" and _chance(rng, 0.4):
                sets = f"{s.sets}x"
            options = [
                f"{sets} {amount} {ex} {weight}",
                f"{ex} {sets} {amount} {weight}",
                f"{ex} {weight} {sets} {amount}",
            ]
        else:
            options = [f"{ex} {weight} {amount}", f"{ex} {weight} for {amount}"]
            if not weight:
                options += [f"held {ex} for {amount}", f"{amount} {ex}", f"{ex} hold {amount}"]
        core = rng.choice(options)
        return self._finish(s, self._join([core, *extras], rng), rng)

    def _cardio(self, e: Exercise, rng: random.Random, style: Style) -> Sample:
        alias, ambiguous = self.alias_for(e, rng)
        s = Sample("cardio", e, alias, ambiguous)
        ex = alias
        name = e.name
        minutes = rng.choice((5, 8, 10, 10, 12, 15, 15, 20, 20, 25, 30, 30, 40, 45, 60))
        parts: list[str]
        if name == "Running" and _chance(rng, 0.6):
            miles = rng.choice((1, 1.5, 2, 2, 3, 3, 4, 5, 6))
            s.detail = f"{miles:g} miles" if miles != 1 else "1 mile"
            s.duration = int(miles * rng.choice((480, 540, 600, 660))) // 15 * 15
            dist = f"{say_weight(miles, style, rng)} {'mile' if miles == 1 else 'miles'}"
            parts = [
                rng.choice([f"{ex} {dist} in", f"{dist} {ex}", f"ran {dist} in"]),
                say_duration(s.duration, style, rng),
            ]
        elif name in ("Rowing Machine", "Ski Erg") and _chance(rng, 0.6):
            meters = rng.choice((500, 1000, 2000, 2000, 5000))
            s.detail = f"{meters} meters"
            s.duration = int(meters * rng.uniform(0.19, 0.26))
            said = say_duration(s.duration, style, rng)
            if s.duration < 600 and _chance(rng, 0.25):
                said = say_split(s.duration, style, rng)  # "one forty two" is 1:42
            parts = [
                rng.choice(
                    [
                        f"{ex} {meters} meters in",
                        f"{meters} meter {ex}",
                        f"{ex} {say_int(meters, style, rng)} meters",
                        f"{meters} meter {ex} in",
                    ]
                ),
                said,
            ]
        elif name in ("Assault Bike", "Ski Erg", "Rowing Machine") and _chance(rng, 0.3):
            cals = rng.choice((10, 15, 20, 25, 30, 50))
            s.detail = f"{cals} calories"
            parts = [
                rng.choice(
                    [
                        f"{say_int(cals, style, rng)} cals on the {ex}",
                        f"{ex} {say_int(cals, style, rng)} calories",
                        f"{say_int(cals, style, rng)} calorie {ex}",
                    ]
                )
            ]
        elif name in ("Sled Push", "Sled Drag"):
            weight = self._loaded(e, rng, style, s)
            n = rng.choice((20, 30, 40, 50))
            s.detail = f"{n} yards" if _chance(rng, 0.5) else f"{n} meters"
            parts = [f"{ex} {weight} {say_int(n, style, rng)} {s.detail.split()[1]}"]
        elif name == "Sprint":
            s.sets = rng.choice((4, 5, 6, 8, 10))
            if _chance(rng, 0.5):
                s.detail = f"{rng.choice((40, 60, 100, 200))} meters"
                parts = [f"{say_int(s.sets, style, rng)} {ex} {s.detail}"]
            else:
                s.duration = rng.choice((10, 15, 20, 30))
                parts = [f"{s.sets} {ex} {say_duration(s.duration, style, rng)} each"]
        elif name == "Battle Ropes":
            s.duration = rng.choice((20, 30, 30, 45, 60))
            s.sets = rng.choice((None, 3, 4, 5))
            sets = f"{say_int(s.sets, style, rng)} rounds of " if s.sets else ""
            parts = [f"{ex} {sets}{say_duration(s.duration, style, rng)}"]
        else:
            s.duration = minutes * 60
            said = say_duration(s.duration, style, rng)
            parts = [
                rng.choice(
                    [
                        f"{ex} {said}",
                        f"{said} on the {ex}",
                        f"{ex} for {said}",
                        f"{said} {ex}",
                        f"did {said} of {ex}",
                    ]
                )
            ]
            if name in ("Stair Climber", "Stationary Bike", "Elliptical") and _chance(rng, 0.4):
                level = rng.choice((5, 6, 7, 8, 9, 10, 12))
                s.detail = f"level {level}"
                parts.append(f"level {say_int(level, style, rng)}")
            elif name in ("Stationary Bike", "Running", "Elliptical", "Assault Bike") and _chance(
                rng, 0.2
            ):
                zone = rng.choice((2, 2, 2, 3))
                s.detail = f"zone {zone}"
                parts.append(f"{rng.choice(['', 'in ', 'at '])}zone {say_int(zone, style, rng)}")
            elif name == "Incline Treadmill Walk" and _chance(rng, 0.4):
                incline, speed = rng.choice((12, 10, 15)), rng.choice((3, 3.5, 3.2, 2.8))
                s.detail = f"incline {incline}, speed {speed:g}"
                parts.append(f"incline {incline} speed {speed:g}")
        extras = self._extras(s, rng, style, effort_p=0.1, tempo_p=0, rest_p=0)
        return self._finish(s, self._join([" ".join(parts), *extras], rng), rng)

    def _no_exercise(self, rng: random.Random, style: Style) -> Sample:
        s = Sample("no_exercise")
        proxy = rng.choice(self.context_pool)
        s.reps = self._reps(proxy, rng)
        weight = "" if _chance(rng, 0.25) else self._loaded(proxy, rng, style, s)
        if _chance(rng, 0.1):
            s.sets = rng.choice([3, 4, 5])
        extras = self._extras(s, rng, style, effort_p=0.3)
        if s.sets:
            sr = t.sets_reps_phrase(s.sets, s.reps, style, rng)
            core = f"{sr} {'at ' + weight if weight else ''}"
        elif weight:
            rt = t.reps_phrase(s.reps, style, rng, lead=False)
            rl = t.reps_phrase(s.reps, style, rng, lead=True)
            core = rng.choice(
                [
                    f"{weight} {rt}",
                    f"did {rl} at {weight}",
                    f"{rl} with {weight}",
                    f"{weight} {rt}",
                    f"that was {weight} {rt}",
                ]
            )
        else:
            rl = t.reps_phrase(s.reps, style, rng, lead=True)
            core = rng.choice([f"{rl}", f"did {rl}", f"got {rl}", f"{rl} that set"])
            if not any(w in core for w in ("reps", "got", "did")):
                core += " reps"
        return self._finish(s, self._join([core, *extras], rng), rng)

    def _not_a_set(self, rng: random.Random, style: Style) -> Sample:
        """A line that logs nothing; now and then said while a previous set is on screen."""
        s = Sample("not_a_set")
        names = [self.said_name(e, self.alias_for(e, rng)[0], rng)
                 for e in (self.draw_exercise(rng), self.draw_exercise(rng))]  # fmt: skip
        kind, text = not_a_set(rng, style, names[0], names[1])
        s.followup = None
        s.extras["not_a_set"] = kind
        if _chance(rng, 0.15):
            prev = rng.choices(self.context_pool, self.context_weights)[0]
            s.context = {"current_exercise_id": prev.id, "last_reps": draw_reps(prev, rng)}
        if kind in ("question", "exercise_talk") and _chance(rng, 0.4):
            text += "?"
        if kind not in ("noise", "gibberish") and _chance(rng, 0.1):
            text, made = mishear(text, rng)
            s.noise = tuple(made)
        s.text = format_like_stt(" ".join(text.split()), rng)
        return s

    # -- follow-ups ------------------------------------------------------------------------

    def _followup(self, rng: random.Random, style: Style) -> Sample:
        prev = rng.choices(self.context_pool, self.context_weights)[0]
        unit = "kg" if _chance(rng, 0.15) else "lbs"
        loaded = not prev.bodyweight and prev.equipment != "band"
        last_weight = draw_load(prev, unit, rng) if loaded else None
        last_reps = draw_reps(prev, rng)
        ctx: dict[str, object] = {
            "current_exercise_id": prev.id,
            "last_weight": _num(last_weight),
            "last_reps": last_reps,
        }
        if _chance(rng, 0.4):
            ctx["current_exercise"] = prev.name
        if loaded and (unit == "kg" or _chance(rng, 0.35)):
            ctx["last_weight_unit"] = unit
        if _chance(rng, 0.25):
            ctx["last_rpe"] = _num(float(rng.choice(RPES)))
        forms: dict[str, float] = {
            "same_again": 12,
            "same_but": 10,
            "reps_only": 10,
            "more_reps": 5,
            "new_exercise": 10,
        }
        if loaded:
            forms.update(
                same_weight=20, delta=14, drop_to=12, weight_reps=8, same_weight_exercise=4
            )
        form = rng.choices(list(forms), list(forms.values()))[0]
        builder: Callable[..., tuple[Sample, str]] = getattr(self, f"_fu_{form}")
        s, core = builder(prev, last_weight, unit, rng, style)
        s.context = ctx
        s.followup = form
        if form == "new_exercise":
            return s
        return self._finish(s, core, rng)

    def _fu_base(self, prev: Exercise, weight: float | None, unit: str) -> Sample:
        s = Sample("followup")
        if weight is not None:
            s.load, s.unit = Load("same"), unit  # type: ignore[assignment]
        return s

    def _fu_same_weight(self, prev, weight, unit, rng, style):
        s = self._fu_base(prev, weight, unit)
        s.reps = self._reps(prev, rng)
        rt = t.reps_phrase(s.reps, style, rng, lead=False)
        rl = t.reps_phrase(s.reps, style, rng, lead=True)
        core = rng.choice(
            [
                f"same weight {rt}",
                f"same weight, {rl}",
                f"same load {rt}",
                f"keep the weight, {rl}",
                f"same {rt}",
                f"repeat {rt}",
                f"same weight again {rt}",
                f"same weight this time {rl}",
                f"{rl} same weight",
                f"same weight {rl}",
                f"same again but {rl}",
                f"same again but {say_int(s.reps[-1], style, rng)}",
                f"same but {rl}",
                f"same weight {rl} this time",
            ]
        )
        return s, self._join([core, *self._extras(s, rng, style, effort_p=0.25)], rng)

    def _fu_same_again(self, prev, weight, unit, rng, style):
        s = self._fu_base(prev, weight, unit)
        core = rng.choice(
            [
                "same again",
                "same",
                "another set",
                "another one",
                "same thing",
                "repeat that",
                "one more set same",
                "same as last set",
                "log it again",
                "again",
                "same set",
                "ditto",
                "same again please",
                "same as before",
                "repeat the last set",
                "another set same as that",
                "same thing again",
                "one more just like that",
                "exact same set",
                "one more set",
                "one more set like that",
                "did another one",
            ]
        )
        if _chance(rng, 0.1):
            s.remark = rng.choice(REMARKS)
        return s, core

    def _fu_same_but(self, prev, weight, unit, rng, style):
        s = self._fu_base(prev, weight, unit)
        s.effort = self._effort(rng)
        effort = t.effort_phrase(s.effort.kind, s.effort.values, style, rng)
        lead = rng.choice(
            [
                "same but",
                "same again but",
                "same again",
                "same set but",
                "same weight and reps but",
                "same but that one was",
                "repeat,",
            ]
        )
        if lead.endswith("was") and s.effort.kind != "rpe":
            lead = "same but"
        return s, f"{lead} {effort}"

    def _fu_delta(self, prev, weight, unit, rng, style):
        s = self._fu_base(prev, weight, unit)
        pool = (2.5, 5, 5, 10, 10, 20) if unit == "kg" else (5, 5, 10, 10, 15, 20, 25, 30, 50)
        amount = float(rng.choice(pool))
        down = _chance(rng, 0.25) and weight - amount > 0
        s.load = Load("delta", (-amount if down else amount,))
        said = say_weight(amount, style, rng)
        unit_word = rng.choice(t.UNIT_WORDS[unit]) if _chance(rng, 0.55) else None
        if unit_word == "k":
            unit_word = "kilos"
        amt = f"{said} {unit_word}" if unit_word else said
        if down:
            core = rng.choice(
                [
                    f"take off {amt}",
                    f"down {amt}",
                    f"minus {amt}",
                    f"drop {amt}",
                    f"took off {amt}",
                    f"{amt} less",
                    f"next set {amt} lighter",
                    f"strip {amt}",
                ]
            )
        else:
            core = rng.choice(
                [
                    f"add {amt}",
                    f"bump it up {amt}",
                    f"up {amt}",
                    f"go up {amt}",
                    f"add another {amt}",
                    f"put on {amt}",
                    f"added {amt}",
                    f"plus {amt}",
                ]
            )
            if unit_word and _chance(rng, 0.5):
                # "10 more" alone is 10 more reps; "10 more pounds" a heavier set
                core = rng.choice(
                    [
                        f"next set {amt} more",
                        f"{amt} more",
                        f"{amt} heavier",
                        f"next set {said} more {unit_word}",
                        f"{said} more {unit_word}",
                    ]
                )
        if _chance(rng, 0.4):
            s.reps = self._reps(prev, rng)
            core += " " + t.reps_phrase(s.reps, style, rng, lead=False)
        return s, self._join([core, *self._extras(s, rng, style, effort_p=0.2)], rng)

    def _fu_new_load(self, prev, weight, unit, rng, style):
        s = Sample("followup")
        value = weight
        while value == weight:
            value = draw_load(prev, unit, rng)
        s.load, s.unit = Load("plain", (value,)), unit  # type: ignore[assignment]
        s.unit_said = _chance(rng, 0.35)
        word = rng.choice(t.UNIT_WORDS[unit]) if s.unit_said else None
        return s, t.unit_phrase(say_weight(value, style, rng), word)

    def _fu_drop_to(self, prev, weight, unit, rng, style):
        s, w = self._fu_new_load(prev, weight, unit, rng, style)
        lighter = s.load is not None and s.load.values[0] < weight
        verbs = (
            [
                "drop to",
                "dropped to",
                "down to",
                "went down to",
                "back off set",
                "back off at",
                "back off set at",
                "backoff set of",
                "lighter,",
            ]
            if lighter
            else ["up to", "going up to", "bumped up to", "went up to", "jumped to", "now"]
        )
        core = f"{rng.choice(verbs)} {w}"
        if _chance(rng, 0.5):
            s.reps = self._reps(prev, rng)
            core += " " + t.reps_phrase(s.reps, style, rng, lead=False)
        return s, self._join([core, *self._extras(s, rng, style, effort_p=0.2)], rng)

    def _fu_weight_reps(self, prev, weight, unit, rng, style):
        s, w = self._fu_new_load(prev, weight, unit, rng, style)
        s.reps = self._reps(prev, rng)
        core = f"{w} {t.reps_phrase(s.reps, style, rng, lead=False)}"
        if _chance(rng, 0.3):
            core = f"next set {core}"
        return s, self._join([core, *self._extras(s, rng, style, effort_p=0.3)], rng)

    def _fu_same_weight_exercise(self, prev, weight, unit, rng, style):
        s, w = self._fu_new_load(prev, weight, unit, rng, style)
        core = f"same exercise{rng.choice([',', ''])} {w}"
        if _chance(rng, 0.6):
            s.reps = self._reps(prev, rng)
            core += " " + t.reps_phrase(s.reps, style, rng, lead=False)
        return s, core

    def _fu_reps_only(self, prev, weight, unit, rng, style):
        s = self._fu_base(prev, weight, unit)
        s.reps = (draw_reps(prev, rng),)
        r = say_int(s.reps[0], style, rng)
        core = rng.choice(
            [
                f"{r} reps",
                f"did {r} that time",
                f"that one was {r} reps",
                f"got {r}",
                f"only got {r}",
                f"{r} reps this time",
                f"drop to {r} reps",
                f"{r} that set",
                f"this set {r} reps",
                f"same weight but only {r} reps",
                f"managed {r}",
            ]
        )
        return s, self._join([core, *self._extras(s, rng, style, effort_p=0.3)], rng)

    def _fu_more_reps(self, prev, weight, unit, rng, style):
        """ "5 more reps", "did 8 more": a set of that many reps, at the same weight."""
        s = self._fu_base(prev, weight, unit)
        s.reps = (draw_reps(prev, rng),)
        r = say_int(s.reps[0], style, rng)
        core = rng.choice(
            [
                f"{r} more reps",
                f"{r} more",
                f"did {r} more",
                f"got {r} more reps",
                f"{r} more reps same weight",
                f"another {r} reps",
                f"{r} more same weight",
                f"and {r} more",
            ]
        )
        return s, self._join([core, *self._extras(s, rng, style, effort_p=0.15)], rng)

    def _fu_new_exercise(self, prev, weight, unit, rng, style):
        e = prev
        while e.id == prev.id:
            e = self.draw_exercise(rng)
        s = self._for_exercise(e, rng, style)
        lead = rng.choice(
            [
                "now",
                "next exercise",
                "switching to",
                "moving on to",
                "ok now",
                "moving to",
                "next up",
                "alright now",
                "then",
            ]
        )
        s.text = f"{lead} {s.text[:1].lower()}{s.text[1:]}" if _chance(rng, 0.7) else s.text
        return s, s.text


def _parts(core: str, extras: list[str], rng: random.Random) -> list[str]:
    """The core and its extras in spoken order; an index ("set 3") put first by `_strength`
    leads the core, with a comma before a number so "set 3, 315 for 5" stays two numbers."""
    if not extras or not extras[0].startswith(("round", "set", "last", "first", "final")):
        return [core, *extras]
    first = core.split(" ", 1)[0].lower()
    numeric = first[:1].isdigit() or first in NUMBER_WORDS
    return [f"{extras[0]}{', ' if numeric else rng.choice([' ', ', '])}{core}", *extras[1:]]


def _merges(before: str, after: str) -> bool:
    """True when two numbers side by side would read as one: "fifty" "eight" (58), or "3" "15"
    (STT's digits for "three fifteen", 315)."""
    last = before.rsplit(" ", 1)[-1].lower().strip(",.")
    first = after.split(" ", 1)[0].lower()
    if last in NUMBER_WORDS and first in NUMBER_WORDS - {"a", "and"}:
        return True
    return len(last) == 1 and last.isdigit() and len(first) == 2 and first.isdigit()


def _num(value: float | None) -> float | int | None:
    """JSON-friendly number: whole floats as ints, as an app would send them."""
    if value is None:
        return None
    return int(value) if value == int(value) else value
