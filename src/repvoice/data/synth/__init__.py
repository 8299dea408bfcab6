"""A realistic generator of voice-command training data (`repvoice data synth`).

It writes OpenAI chat JSONL in exactly the original app's format: the training system prompt
(or, for about 15 % of records, the shorter inference prompt), the previous set appended as
``Context: {...}`` for follow-ups, the transcript as phone speech-to-text writes it, and the
compact JSON label computed from the structured sample by `labels.gold`.

Modules: `spoken` (numbers and units as STT writes them), `noise` (STT errors, casing),
`templates` (phrases and word orders), `profiles` (popularity, loads, reps), `scenarios` (what
a lifter says; the shares are documented there), `sample` (the structured sample), `labels`
(the labelling rules), `prompts`, `generator` (streams, dedupe), `diversity` (measurements),
`dataset` (writing a train/test pair and its manifest).
"""

from repvoice.data.synth.dataset import DatasetSummary, write_dataset
from repvoice.data.synth.generator import GENERATOR_VERSION, Example, generate, to_record
from repvoice.data.synth.labels import gold
from repvoice.data.synth.prompts import SHORT_PROMPT, TRAINING_PROMPT, system_message
from repvoice.data.synth.sample import Effort, Load, Sample

__all__ = [
    "GENERATOR_VERSION",
    "SHORT_PROMPT",
    "TRAINING_PROMPT",
    "DatasetSummary",
    "Effort",
    "Example",
    "Load",
    "Sample",
    "generate",
    "gold",
    "system_message",
    "to_record",
    "write_dataset",
]
