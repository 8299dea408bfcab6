"""What a lifter says into the phone: one structured `Sample` per utterance, with its text.

Each builder draws the meaning first (exercise, load, reps, effort, ...) and then one of many
ways of saying it. Shares (per utterance, train and test alike; see also `generator`):

- kind: 2.5 % no exercise named, 13 % follow-ups with context (a tenth of them name a new
  exercise), the rest single sets, timed holds, carries and cardio as the exercise demands;
- number style: 56 % digits, 30 % words, 14 % mixed; 18 % of loads in kg;
- barbell loads as plates 14 %, dumbbell loads as pairs ("the 80s") 40 %, bodyweight movements
  that take load are weighted 40 %;
- effort 38 % (RPE 55 %, RIR 28 %, failure 17 %; a quarter of RPEs are halves), sets x reps
  12 %, tempo 5 %, rest 7 %, remarks 13 %, self-corrections about 8 %;
- speech-to-text errors in 16 % (see `noise`), filler words in 30 %.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from repvoice.catalog import Catalog, Exercise
from repvoice.catalog.catalog import normalise_alias
from repvoice.data.synth import templates as t
from repvoice.data.synth.noise import format_like_stt, mishear
from repvoice.data.synth.profiles import draw_load, draw_reps, load_range, popularity
from repvoice.data.synth.sample import Effort, Load, Sample
from repvoice.data.synth.spoken import Style, say_duration, say_int, say_weight

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

    # -- drawing ---------------------------------------------------------------------------

    def draw_exercise(self, rng: random.Random) -> Exercise:
        return rng.choices(self.exercises, self.weights)[0]

    def alias_for(self, exercise: Exercise, rng: random.Random) -> tuple[str, bool]:
        """A way of naming the exercise that the catalogue resolves back to it."""
        alias = rng.choice(self.aliases[exercise.id])
        return alias, bool(self.catalog.alternatives_for(alias))

    @staticmethod
    def _style(rng: random.Random) -> Style:
        return rng.choices(["digits", "words", "mixed"], [56, 30, 14])[0]  # type: ignore[return-value]

    # -- entry point -----------------------------------------------------------------------

    def build(self, rng: random.Random, exercise: Exercise | None = None) -> Sample:
        """One sample; `exercise` forces a plain set of that exercise (catalogue coverage)."""
        style = self._style(rng)
        if exercise is None:
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
        if s.remark:
            core += rng.choice([" ", ", ", " ", ". "]) + t.remark_phrase(s.remark, rng)
        if filler and _chance(rng, 0.3):
            prefix = rng.choice(FILLER_PREFIXES)
            verb = prefix.split()[-1] in ("did", "finished")
            if not (verb and (s.kind == "followup" or core.split()[0] in _VERBS)):
                core = prefix + rng.choice([" ", " ", ", "]) + core
        if filler and _chance(rng, 0.05):
            core += rng.choice([" ", ", "]) + rng.choice(FILLER_SUFFIXES)
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
        return sep.join(p for p in parts if p)

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
        if unit == "lbs" and e.equipment == "dumbbell" and weight >= 10 and _chance(rng, 0.4):
            weight = float(max(10, round(weight / 5) * 5))
            s.load = Load("pair", (weight,))
            return t.pair_phrase(weight, style, rng)
        values: tuple[float, ...] = (weight,)
        if _chance(rng, 0.03):
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
        ex = alias
        weight = ""
        s.reps = self._reps(e, rng)
        if e.bodyweight:
            if e.name in WEIGHTED_BODYWEIGHT and _chance(rng, 0.4):
                weight = self._added(rng, style, s, light=e.category == "core")
        elif not (e.equipment == "band" or (e.category == "plyometric" and e.equipment != "other")):
            weight = self._loaded(e, rng, style, s)
        if _chance(rng, 0.12):
            s.sets = rng.choice([2, 3, 3, 3, 4, 4, 5])
        extras = self._extras(s, rng, style)
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
                    ]
                ).format(r=say_int(right, style, rng))
                core = self._arrange(ex, weight, (wrong,), s, rng, style)
                return self._finish(s, self._join([f"{core} {trailing}", *extras], rng), rng)
        core = self._arrange(ex, weight, s.reps, s, rng, style)
        return self._finish(s, self._join([core, *extras], rng), rng)

    def _arrange(
        self,
        ex: str,
        weight: str,
        reps: tuple[int, ...],
        s: Sample,
        rng: random.Random,
        style: Style,
    ) -> str:
        """Exercise, load and reps in one of the word orders lifters use."""
        kind = s.load.kind if s.load else None
        if s.sets is not None:
            sr = t.sets_reps_phrase(s.sets, reps, style, rng)
            if not weight:
                return rng.choice([f"{sr} {ex}", f"{ex} {sr}", f"{ex}, {sr}", f"did {sr} {ex}"])
            at = "with" if kind in ("pair", "added", "bar") else rng.choice(["at", "with", ""])
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
        if not weight:
            return rng.choice(
                [
                    f"{ex} {rt}",
                    f"{rl} {ex}",
                    f"{ex} {rl}",
                    f"did {rl} {ex}",
                    f"{ex}, {rl}",
                    f"{rl} of {ex}",
                ]
            )
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
            parts = [
                rng.choice(
                    [
                        f"{ex} {meters} meters in",
                        f"{meters} meter {ex}",
                        f"{ex} {say_int(meters, style, rng)} meters",
                    ]
                ),
                say_duration(s.duration, style, rng),
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
            if name == "Stair Climber" and _chance(rng, 0.4):
                s.detail = f"level {rng.choice((5, 6, 7, 8, 9, 10, 12))}"
                parts.append(s.detail)
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
                    f"next set {amt} more",
                    f"{amt} more",
                    f"bump it up {amt}",
                    f"up {amt}",
                    f"go up {amt}",
                    f"add another {amt}",
                    f"put on {amt}",
                    f"added {amt}",
                    f"plus {said} {unit_word or 'more'}",
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


def _num(value: float | None) -> float | int | None:
    """JSON-friendly number: whole floats as ints, as an app would send them."""
    if value is None:
        return None
    return int(value) if value == int(value) else value
