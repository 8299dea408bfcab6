"""Things said to a workout logger that are not a set: the not-a-set examples.

The phone listens all session, so it also hears questions about the workout, commands to the
app, chit-chat, complaints, greetings, misrecognised noise and lines that name an exercise
without logging it ("what's my best on squat"). Their answer names no exercise and no values,
with a low confidence (`labels.gold`). Slots: `{ex}` an exercise as said, `{n}` a small number,
`{big}` a load-sized number, `{t}` a duration, `{day}`, `{body}` a body part, `{who}` a person.
"""

from __future__ import annotations

import random

from repvoice.data.synth.spoken import Style, say_duration, say_int

#: Kinds of not-a-set utterance and how often each is drawn.
KINDS: dict[str, float] = {
    "question": 18,
    "exercise_talk": 20,
    "numbers_talk": 12,
    "command": 18,
    "chat": 16,
    "complaint": 7,
    "greeting": 6,
    "noise": 9,
    "gibberish": 6,
    "cut_off": 6,
    "overheard": 7,
    "program": 5,
    "app_exercise": 5,
}

_QUESTION = (
    "how many sets do I have left",
    "how many sets have I done",
    "what did I do last {day}",
    "what's next on the plan",
    "what should I do next",
    "how long have I been in the gym",
    "how long was my last rest",
    "how many calories did I burn",
    "what's my total volume today",
    "did I already log that",
    "did that save",
    "what time is it",
    "how much do I weigh",
    "is today a leg day or a push day",
    "what's the plan for {day}",
    "how many workouts this week",
    "when did I last train {body}",
    "which day is {body} day",
    "am I getting stronger",
    "is it bad that my {body} is sore",
    "how many reps should I do",
    "what weight should I start with",
    "how heavy should I go today",
    "can you tell me my streak",
    "how much is {big} pounds in kilos",
    "what's {big} in kg",
    "how many plates is {big}",
    "should I rest {t} or more",
    "how much protein should I eat",
    "is it ok to train two days in a row",
    "what does RPE mean",
    "what does reps in reserve mean",
    "what's a good warm up",
    "do you know what I did {n} days ago",
)
_EXERCISE_TALK = (
    "what's my PR on {ex}",
    "what's my best {ex}",
    "what's my one rep max on {ex}",
    "how much did I {ex} last time",
    "what did I do on {ex} last {day}",
    "how do I do a {ex}",
    "how do you do {ex} properly",
    "what muscles does {ex} work",
    "is {ex} good for my {body}",
    "should I do {ex} or something else",
    "show me a video of {ex}",
    "explain the {ex}",
    "I hate {ex}",
    "I love {ex} so much",
    "next I'm going to do {ex}",
    "going to do {ex} after this",
    "{ex} is next",
    "let's do {ex} next",
    "is anyone using the {ex} station",
    "where's the {ex} machine",
    "waiting for the {ex} station",
    "add {ex} to my routine",
    "remove {ex} from today",
    "swap {ex} for something easier",
    "remind me to do {ex} on {day}",
    "how many sets of {ex} did I do",
    "how many sets of {ex} should I do",
    "my {body} hurts when I do {ex}",
    "my form on {ex} felt off",
    "can you log {ex} for me later",
    "skip {ex} today",
    "no {ex} today my {body} is sore",
    "what's the difference between {ex} and {ex2}",
    "is {ex} better than {ex2}",
    "should I do {ex} before {ex2}",
    "chart my {ex} progress",
)
#: Loads and reps that are someone else's, planned, wished for or long past: nothing logged.
#: Not a bare "he got 5": a coach logging an athlete's set says just that.
_NUMBERS_TALK = (
    "{plan} {n} sets of {n} on {ex} {later}",
    "{plan} {big} on {ex} {later}",
    "{plan} {n} {ex} {later}",
    "I used to {ex} {big} {ago}",
    "I did {big} on {ex} {ago}",
    "{who} did {n} {ex}",
    "{who} did {big} on {ex} today",
    "{who} benched {big}",
    "{who} can {ex} {big}",
    "watching {who} do {big} on {ex}",
    "that guy is doing {big} on {ex} for {n}",
    "I want to hit {big} on {ex} next {day}",
    "my goal this year is {big} on {ex}",
    "one day I'll get {big} on {ex}",
    "I used to do {big} on {ex} years ago",
    "back in school I did {big} on {ex}",
    "the program says {n} sets of {n} on {ex} today",
    "plan for today is {n} by {n} on {ex}",
    "I'm going to try {big} on {ex} tomorrow",
    "maybe I'll do {n} sets of {ex} later",
    "remind me to do {n} {ex} tonight",
    "someone has been on the {ex} for {t}",
    "the {ex} machine has {n} plates left on it",
    "somebody left {big} on the {ex}",
    "how long until the {ex} is free",
    "I've done {ex} {n} times this month",
    "{who} wants me to do {n} sets of {ex}",
    "should I try {big} on {ex}",
    "is {big} on {ex} good for my age",
)
_COMMAND = (
    "start a timer for {t}",
    "set a rest timer for {t}",
    "start rest timer",
    "stop the timer",
    "pause the timer",
    "reset the timer",
    "undo that",
    "undo the last one",
    "delete the last set",
    "delete that",
    "remove the last entry",
    "go back",
    "go to the previous screen",
    "open my history",
    "show my history",
    "show me my progress",
    "open the calendar",
    "start my workout",
    "start a new workout",
    "end workout",
    "finish the workout",
    "pause the workout",
    "resume the workout",
    "next exercise",
    "skip this exercise",
    "start my {day} routine",
    "play some music",
    "turn the volume up",
    "turn it down",
    "next song",
    "save it",
    "cancel",
    "never mind",
    "read that back",
    "repeat that",
    "stop listening",
    "switch to kilos",
    "switch to pounds",
    "change units to kg",
    "remind me in {t}",
    "set an alarm for {n} o'clock",
    "call {who}",
    "text {who} I'm at the gym",
    "share my workout with {who}",
    "open settings",
    "log out",
    "turn on dark mode",
)
_CHAT = (
    "man I'm tired today",
    "I'm so tired",
    "this gym is packed",
    "it's so busy in here",
    "I love this song",
    "that was a good one",
    "let's go",
    "come on",
    "ok let's get it",
    "one more day",
    "I'm gonna grab some water",
    "be right back",
    "hold on someone's talking to me",
    "sorry I was talking to {who}",
    "yeah I'll be there in {t}",
    "tell {who} I said hi",
    "what are we eating tonight",
    "I need coffee",
    "it's hot in here",
    "the AC is broken again",
    "I slept like {n} hours",
    "my {body} is killing me",
    "my {body} feels tight",
    "I think I pulled something",
    "feeling good today",
    "not feeling it today",
    "skipped breakfast",
    "this is day {n} in a row",
    "{who} is spotting me today",
    "nice",
    "cool",
    "ok",
    "thanks",
    "thank you",
    "awesome",
    "wow",
    "haha",
    "that's funny",
    "see you tomorrow",
    "the parking was terrible",
    "my gym closes at {n}",
    "I'll do cardio tomorrow",
    "rest day tomorrow",
    "leg day tomorrow ugh",
)
_COMPLAINT = (
    "that's wrong",
    "no that's not what I said",
    "you got that wrong",
    "this app never understands me",
    "why does it keep doing that",
    "that's not right at all",
    "stop that",
    "ugh this thing",
    "it didn't save again",
    "the app crashed",
    "why is it so slow",
    "I didn't say that",
    "that's not the right exercise",
    "wrong again",
)
_GREETING = (
    "hi",
    "hello",
    "hey",
    "hey there",
    "good morning",
    "good evening",
    "hey coach",
    "hello can you hear me",
    "testing testing",
    "test one two three",
    "is this thing on",
    "are you listening",
    "ok google",
    "hey siri",
    "yo",
    "what's up",
    "how are you",
)
#: An utterance cut off before its numbers: the exercise said, nothing to log yet.
_CUT_OFF = (
    "{ex} for",
    "{ex} with the",
    "{ex} at",
    "{ex} at a",
    "and then {ex} for",
    "ok {ex} with",
    "um {ex} uh",
    "{ex} um for uh",
    "next set {ex} for",
    "alright so {ex}",
)
#: What the microphone picks up from announcements, screens and other people's sets.
_OVERHEARD = (
    "{klass} starts in {n} minutes in studio {n}",
    "attention members the gym closes in {n} minutes",
    "and {name} is going for {big} kilos in the {ex}",
    "{name} just hit {big} on {ex} at the meet",
    "{name} finally got {big} on {ex} for the first time",
    "did you see {name} pull {big} yesterday",
    "three two one go",
    "good lift, white lights",
    "the score is {n} to {n} in the {period}",
)
#: Loads from long ago: history, not a set done today.
_PROGRAM = (
    "in college I could {ex} {big}",
    "last year I was doing {big} on {ex}",
    "{ago} my {ex} max was {big}",
    "my best ever on {ex} was {big} for {n}",
)
#: Commands to the app that name an exercise or a number but log nothing.
_APP_EXERCISE = (
    "delete the {ex} set from {n} minutes ago",
    "delete my last {ex} set",
    "edit the last {ex} entry",
    "set my {ex} training max to {big}",
    "show my {ex} history",
    "graph my {ex} for the last {n} weeks",
    "export my {ex} sets",
    "move {ex} to {day}",
    "add {n} sets of {ex} to my plan for {day}",
    "what was my heaviest {ex} set",
)
_CLASSES = ("spin class", "yoga", "the HIIT class", "boxing", "body pump")
_NAMES = ("Tyler", "Maria", "Jenna", "Big Tom", "Priya", "Coach Dan", "Keisha", "Luis")
_PERIODS = ("second quarter", "third inning", "first half", "final round")

#: Words a phone hears from music, other people and rustling, strung into non-sentences.
_NOISE_WORDS = (
    "the", "and", "uh", "um", "so", "like", "yeah", "oh", "baby", "tonight", "know", "love",
    "car", "window", "street", "down", "okay", "right", "there", "was", "she", "he", "they",
    "money", "phone", "table", "hand", "light", "blue", "dance", "party", "mm", "hmm", "no",
    "yes", "maybe", "coming", "going", "around", "inside", "little", "big", "fire", "rain",
    "water", "dog", "cat", "house", "music", "radio", "sorry", "excuse", "me", "what", "huh",
    "world", "random", "text", "open", "close", "paper", "kitchen", "boss", "office", "train",
)  # fmt: skip
_SYLLABLES = ("ba", "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "qu", "xo", "fl", "gr",
              "sh", "th", "pl", "ck", "ee", "oo", "ar", "in", "st", "mp")  # fmt: skip
_KEYS = "qwertyuiopasdfghjklzxcvbnm"
#: Days for questions; never "time": "than last time" is how a lifter logs a set.
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "week",
         "session", "push day", "pull day", "leg day")  # fmt: skip
_BODY = ("shoulder", "knee", "back", "lower back", "elbow", "wrist", "hip", "neck", "chest",
         "legs", "hamstring", "quads", "arms", "abs", "calves")  # fmt: skip
_WHO = ("mom", "dad", "Mike", "Sarah", "my wife", "my husband", "my trainer", "my buddy", "Alex",
        "Jess", "coach", "the front desk", "my friend", "my brother", "my sister", "this guy",
        "some kid", "my roommate", "my partner", "the guy next to me")  # fmt: skip
#: Whose set it is when it is not the speaker's today, and when.
_PLANS = ("I'm planning", "I plan to do", "I'm hoping to do", "I'm thinking about", "gonna try",
          "I might do", "tomorrow I want", "I should do")  # fmt: skip
_LATER = ("later", "tomorrow", "next week", "tonight", "on friday", "after work", "this weekend",
          "next time")  # fmt: skip
_LONG_AGO = ("in college", "back in high school", "years ago", "before my injury",
             "when I was twenty", "a few years back", "before the baby")  # fmt: skip
_PREFIXES = ("hey", "um", "uh", "so", "ok", "okay", "wait", "yo", "quick question", "hey app",
             "hmm", "alright")  # fmt: skip
#: Tails of a not-a-set line; never "again", which ends half of all follow-ups ("same again").
_SUFFIXES = ("please", "real quick", "thanks", "right now", "for me", "today", "lol",
             "or whatever", "I guess")  # fmt: skip


def _noise(rng: random.Random) -> str:
    """A run of unrelated words, as STT writes background speech or music."""
    return " ".join(rng.choice(_NOISE_WORDS) for _ in range(rng.randint(1, 7)))


def _gibberish(rng: random.Random) -> str:
    """Non-words: syllable soup, a keyboard mash, or a stutter of one sound."""
    roll = rng.random()
    if roll < 0.5:
        return " ".join(
            "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3)))
            for _ in range(rng.randint(1, 4))
        )
    if roll < 0.8:
        return " ".join(
            "".join(rng.choice(_KEYS) for _ in range(rng.randint(2, 7)))
            for _ in range(rng.randint(1, 3))
        )
    sound = rng.choice(("uh", "um", "mm", "ah", "eh", "hm"))
    return " ".join([sound] * rng.randint(2, 5))


def not_a_set(rng: random.Random, style: Style, exercise: str, other: str) -> tuple[str, str]:
    """(kind, utterance) of one not-a-set line; `exercise` and `other` fill `{ex}`, `{ex2}`."""
    kind = rng.choices(list(KINDS), list(KINDS.values()))[0]
    if kind == "noise":
        return kind, _noise(rng)
    if kind == "gibberish":
        return kind, _gibberish(rng)
    pool = {
        "question": _QUESTION,
        "exercise_talk": _EXERCISE_TALK,
        "numbers_talk": _NUMBERS_TALK,
        "command": _COMMAND,
        "chat": _CHAT,
        "complaint": _COMPLAINT,
        "greeting": _GREETING,
        "cut_off": _CUT_OFF,
        "overheard": _OVERHEARD,
        "program": _PROGRAM,
        "app_exercise": _APP_EXERCISE,
    }[kind]
    template = rng.choice(pool)
    text = template.format(
        ex=exercise,
        ex2=other,
        n=say_int(rng.randint(2, 12), style, rng),
        big=say_int(rng.choice((95, 135, 185, 225, 275, 315, 405)), style, rng),
        t=say_duration(rng.choice((30, 60, 90, 120, 180, 300, 600)), style, rng),
        day=rng.choice(_DAYS),
        body=rng.choice(_BODY),
        who=rng.choice(_WHO),
        plan=rng.choice(_PLANS),
        later=rng.choice(_LATER),
        ago=rng.choice(_LONG_AGO),
        klass=rng.choice(_CLASSES),
        name=rng.choice(_NAMES),
        period=rng.choice(_PERIODS),
        pct=rng.choice((65, 70, 75, 80, 85)),
    )
    if kind not in ("greeting", "cut_off", "overheard") and rng.random() < 0.2:
        text = f"{rng.choice(_PREFIXES)} {text}"
    if rng.random() < 0.1:
        text = f"{text} {rng.choice(_SUFFIXES)}"
    return kind, text


__all__ = ["KINDS", "not_a_set"]
