"""The local parser from Python: load a model directory once, parse many transcripts."""

from repvoice import Parser

parser = Parser.load()  # the bundled model; Parser.load("owner-model") for your own
result = parser.parse("squat four oh five for three", context=None)
print(result.exercise_name, result.weight, result.reps, result.confidence)
print(result.requires_confirmation)
