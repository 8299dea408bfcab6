"""Deterministic, stratified, leak-free train/test/val splits of a chat JSONL file.

Records are grouped by `group_key` of their user text, so exact and near duplicates always land
in the same split, and whole groups are assigned within strata (the assistant's exercise_name).
Two streaming passes keep memory to a few small integers per record: the first reads keys, the
second copies each source line, byte for byte, to its split. Ordering comes from a seeded BLAKE2
hash, so a seed gives the same split on every machine and under any PYTHONHASHSEED.
"""

from __future__ import annotations

import hashlib
import json
import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from repvoice.data.dedupe import group_key, user_text
from repvoice.data.issues import DataError, Issue
from repvoice.data.jsonl import MAX_LINE_BYTES, STDIN_NAME, JsonlReader, is_stdin, loads
from repvoice.data.outputs import install, refuse_overwrite, signals_deferred, temp_path
from repvoice.schema import FIELD_ORDER

#: Stratum of a workout answer without an exercise name.
NO_EXERCISE = "(none)"
#: Stratum of a record whose assistant turn is not a workout-set JSON object.
NOT_WORKOUT = "(not workout)"
#: Split names in the order they are written and reported.
SPLITS: tuple[str, ...] = ("train", "test", "val")
MANIFEST = "split.json"

_WORKOUT_KEYS = frozenset(FIELD_ORDER) - {"confidence"}
_BOM = b"\xef\xbb\xbf"

Progress = Callable[[int], None]


def stratum_of(record: Any) -> str:
    """The exercise a record is stratified by: the last assistant turn's exercise_name."""
    content = None
    if isinstance(record, dict):
        for msg in record.get("messages") or []:
            if isinstance(msg, dict) and msg.get("role") == "assistant":
                content = msg.get("content")
    if not isinstance(content, str):
        return NOT_WORKOUT
    try:
        answer = loads(content)
    except (ValueError, RecursionError):  # bad JSON, NaN, or a number too long to read
        return NOT_WORKOUT
    if not isinstance(answer, dict) or not _WORKOUT_KEYS.intersection(answer):
        return NOT_WORKOUT
    name = answer.get("exercise_name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    return NO_EXERCISE


@dataclass(frozen=True, slots=True)
class Fractions:
    """Held-out shares; train gets the rest."""

    test: float
    val: float = 0.0

    def __post_init__(self) -> None:
        if not 0 < self.test < 1:
            raise ValueError(f"test fraction must be between 0 and 1 (got {self.test})")
        if not 0 <= self.val < 1:
            raise ValueError(f"val fraction must be between 0 and 1 (got {self.val})")
        if self.test + self.val >= 1:
            raise ValueError(
                f"test + val must leave something to train on (got {self.test + self.val:g})"
            )

    @property
    def train(self) -> float:
        return 1.0 - self.test - self.val

    def by_split(self) -> dict[str, float]:
        shares = {"train": round(self.train, 10), "test": self.test, "val": self.val}
        return {s: shares[s] for s in self.splits()}

    def splits(self) -> tuple[str, ...]:
        return SPLITS if self.val > 0 else SPLITS[:2]


@dataclass
class Stratum:
    """Records of one exercise, per split (counted by each record's own exercise)."""

    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class SplitReport:
    """What a split did; `to_dict()` is the manifest minus the per-line provenance."""

    source: str
    sha256: str
    seed: int
    fractions: Fractions
    counts: dict[str, int]
    strata: list[Stratum]
    duplicate_groups: int
    duplicate_records: int
    rare_threshold: int
    invalid: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def represented(self) -> dict[str, int]:
        """How many strata have at least one record in each split."""
        return {s: sum(1 for st in self.strata if st.counts.get(s)) for s in self.counts}

    def rare_strata(self) -> list[Stratum]:
        """Strata too small to be expected in every split (fewer than `rare_threshold`)."""
        return [st for st in self.strata if st.total < self.rare_threshold]

    def missing_from(self, split: str) -> list[str]:
        return [st.name for st in self.strata if not st.counts.get(split)]

    def max_share_deviation(self, a: str = "train", b: str = "test") -> tuple[str | None, float]:
        """The exercise whose share of split `a` differs most from its share of `b`."""
        na, nb = self.counts.get(a, 0), self.counts.get(b, 0)
        worst: tuple[str | None, float] = (None, 0.0)
        if not na or not nb:
            return worst
        for st in self.strata:
            dev = abs(st.counts.get(a, 0) / na - st.counts.get(b, 0) / nb)
            if dev > worst[1]:
                worst = (st.name, dev)
        return worst

    def to_dict(self) -> dict[str, Any]:
        name, dev = self.max_share_deviation()
        return {
            "source": self.source,
            "sha256": self.sha256,
            "seed": self.seed,
            "fractions": self.fractions.by_split(),
            "counts": self.counts,
            "total": self.total,
            "outputs": self.outputs,
            "strata": len(self.strata),
            "strata_represented": self.represented(),
            "max_share_deviation": {"exercise": name, "train_vs_test": round(dev, 6)},
            "duplicate_groups": self.duplicate_groups,
            "duplicate_records": self.duplicate_records,
            "rare_threshold": self.rare_threshold,
            "rare_strata": [{"exercise": st.name, **st.counts} for st in self.rare_strata()],
            "invalid": [i.to_dict() for i in self.invalid],
            "notes": [i.to_dict() for i in self.notes],
            "per_exercise": {st.name: st.counts for st in self.strata},
        }


@dataclass
class _Keys:
    """Pass-one result: per record a few integers, per group its size and stratum."""

    lines: array = field(default_factory=lambda: array("q"))
    sizes: array = field(default_factory=lambda: array("q"))  # raw byte length, re-checked later
    strata: array = field(default_factory=lambda: array("l"))
    groups: array = field(default_factory=lambda: array("l"))
    stratum_ids: dict[str, int] = field(default_factory=dict)
    group_ids: dict[bytes, int] = field(default_factory=dict)
    group_keys: list[bytes] = field(default_factory=list)
    group_size: array = field(default_factory=lambda: array("l"))
    group_stratum: array = field(default_factory=lambda: array("l"))
    mixed: dict[int, Counter[int]] = field(default_factory=dict)
    invalid: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)
    max_line: int = 0


def _read_keys(path: Path, progress: Progress | None) -> _Keys:
    keys = _Keys()
    reader = JsonlReader(path)
    for line in reader:
        if progress:
            progress(line.size)
        keys.max_line = line.number
        if not line.ok:
            keys.invalid.append(
                Issue(line.code or "bad_line", line.error or "", str(path), line.number)
            )
            continue
        if not isinstance(line.data, dict):
            keys.invalid.append(
                Issue(
                    "not_object",
                    f"expected a JSON object, got {type(line.data).__name__}",
                    str(path),
                    line.number,
                )
            )
            continue
        stratum = keys.stratum_ids.setdefault(stratum_of(line.data), len(keys.stratum_ids))
        text = user_text(line.data)
        # Records with no user text cannot leak; keep each on its own.
        gkey = group_key(text) if text.strip() else b"line:%d" % line.number
        gid = keys.group_ids.get(gkey)
        if gid is None:
            gid = keys.group_ids[gkey] = len(keys.group_keys)
            keys.group_keys.append(gkey)
            keys.group_size.append(0)
            keys.group_stratum.append(stratum)
        elif keys.group_stratum[gid] != stratum or gid in keys.mixed:
            mix = keys.mixed.setdefault(
                gid, Counter({keys.group_stratum[gid]: keys.group_size[gid]})
            )
            mix[stratum] += 1
        keys.group_size[gid] += 1
        keys.lines.append(line.number)
        keys.sizes.append(line.size)
        keys.strata.append(stratum)
        keys.groups.append(gid)
    keys.notes = list(reader.notes)
    keys.group_ids.clear()
    return keys


def _order(seed: int, key: bytes) -> bytes:
    return hashlib.blake2b(b"%d\x00%s" % (seed, key), digest_size=16).digest()


def _quotas(
    sizes: dict[int, int], names: list[str], fractions: Fractions, seed: int
) -> dict[int, list[int]]:
    """Records each stratum should give each split: proportional, whole numbers, summing to the
    overall targets (largest remainder), and never taking a stratum's last record from train."""
    splits = fractions.splits()
    shares = fractions.by_split()
    total = sum(sizes.values())
    quotas = {k: [0] * len(splits) for k in sizes}
    for j, split in enumerate(splits[1:], start=1):
        target = math.floor(total * shares[split] + 0.5)
        remainders = []
        for k, n in sizes.items():
            exact = n * shares[split]
            quotas[k][j] = math.floor(exact)
            remainders.append((exact - quotas[k][j], _order(seed, names[k].encode()), k))
        left = target - sum(q[j] for q in quotas.values())
        for _, _, k in sorted(remainders, key=lambda r: (-r[0], r[1])):
            if left <= 0:
                break
            if sizes[k] - sum(quotas[k][1:]) > 1:
                quotas[k][j] += 1
                left -= 1
    for k, n in sizes.items():
        quotas[k][0] = n - sum(quotas[k][1:])
    return quotas


def _assign(keys: _Keys, fractions: Fractions, seed: int) -> array:
    """Split index of every group."""
    n_groups = len(keys.group_keys)
    primary = array("l", keys.group_stratum)
    for gid, mix in keys.mixed.items():
        # Ties go to the first-seen stratum, which Counter.most_common keeps first.
        primary[gid] = mix.most_common(1)[0][0]
    names = sorted(keys.stratum_ids, key=keys.stratum_ids.__getitem__)
    by_stratum: dict[int, list[int]] = {}
    sizes: Counter[int] = Counter()
    for gid in range(n_groups):
        by_stratum.setdefault(primary[gid], []).append(gid)
        sizes[primary[gid]] += keys.group_size[gid]
    quotas = _quotas(dict(sizes), names, fractions, seed)
    assigned = array("b", bytes(n_groups))
    for k in sorted(by_stratum, key=names.__getitem__):
        left = quotas[k]
        gids = sorted(by_stratum[k], key=lambda g: _order(seed, keys.group_keys[g]))
        for n, gid in enumerate(gids):
            # The split still owed most records takes the group; ties go to train first. The
            # first group always goes to train, so a stratum made of one big duplicate group
            # is never missing from train (what the model learns from).
            j = 0 if n == 0 else max(range(len(left)), key=lambda i: (left[i], -i))
            assigned[gid] = j
            left[j] -= keys.group_size[gid]
    return assigned


def _raw_lines(fh: IO[bytes], max_line_bytes: int, digest: Any) -> Iterator[tuple[int, bytes]]:
    """Every physical line as bytes, numbered exactly as `JsonlReader` numbers them."""
    number = 0
    while True:
        raw = fh.readline(max_line_bytes + 1)
        if not raw:
            return
        number += 1
        digest.update(raw)
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(1024 * 1024)
                digest.update(raw)
            yield number, b""
            continue
        yield number, raw


def _copy_lines(
    path: Path,
    keys: _Keys,
    split_of_line: array,
    files: list[IO[bytes]],
    progress: Progress | None,
) -> tuple[str, list[array]]:
    """Copy each kept source line to its split file; return the source sha256 and, per split,
    the source line numbers in output order."""
    digest = hashlib.sha256()
    expected = {ln: size for ln, size in zip(keys.lines, keys.sizes, strict=True)}
    written = [array("q") for _ in files]
    with path.open("rb") as fh:
        for number, raw in _raw_lines(fh, MAX_LINE_BYTES, digest):
            if progress:
                progress(len(raw))
            j = split_of_line[number] if number < len(split_of_line) else -1
            if j < 0:
                continue
            # the reader drops a BOM on any line (files saved with one get concatenated)
            body = raw[len(_BOM) :] if raw.startswith(_BOM) else raw
            if len(body) != expected[number]:
                raise DataError(
                    Issue("changed", "file changed while it was being split", str(path), number)
                )
            files[j].write(body.strip() + b"\n")
            written[j].append(number)
    if sum(len(w) for w in written) != len(keys.lines):
        raise DataError(Issue("changed", "file changed while it was being split", str(path)))
    return digest.hexdigest(), written


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def split_file(
    path: str | Path,
    out_dir: str | Path,
    fractions: Fractions,
    seed: int = 0,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> SplitReport:
    """Split `path` into `out_dir`/{train,test[,val]}.jsonl plus the `split.json` manifest.

    Invalid lines are always listed in the report; unless `skip_invalid`, nothing is written
    when there are any (check `report.invalid` and `report.outputs`).
    """
    path, out_dir = Path(path), Path(out_dir)
    if is_stdin(path):
        raise DataError(Issue("stdin", "split reads its input twice; give a file", STDIN_NAME))
    splits = fractions.splits()
    refuse_overwrite([path], [*(out_dir / f"{s}.jsonl" for s in splits), out_dir / MANIFEST])
    keys = _read_keys(path, progress)
    assigned = _assign(keys, fractions, seed)
    names = sorted(keys.stratum_ids, key=keys.stratum_ids.__getitem__)
    per_stratum = [dict.fromkeys(splits, 0) for _ in names]
    split_of_line = array("b", [-1]) * (keys.max_line + 1)
    counts = dict.fromkeys(splits, 0)
    for ln, k, gid in zip(keys.lines, keys.strata, keys.groups, strict=True):
        split = splits[assigned[gid]]
        split_of_line[ln] = assigned[gid]
        per_stratum[k][split] += 1
        counts[split] += 1
    dup_groups = sum(1 for n in keys.group_size if n > 1)
    report = SplitReport(
        source=str(path),
        sha256="",
        seed=seed,
        fractions=fractions,
        counts=counts,
        strata=sorted(
            (Stratum(n, per_stratum[k]) for k, n in enumerate(names)),
            key=lambda st: (-st.total, st.name),
        ),
        duplicate_groups=dup_groups,
        duplicate_records=sum(n for n in keys.group_size if n > 1),
        rare_threshold=math.ceil(1 / min(fractions.by_split().values()) - 1e-9),
        invalid=keys.invalid,
        notes=keys.notes,
    )
    if keys.invalid and not skip_invalid:
        report.sha256 = _sha256_file(path)
        return report
    _write_outputs(path, out_dir, keys, split_of_line, splits, report, progress)
    return report


def _write_outputs(
    path: Path,
    out_dir: Path,
    keys: _Keys,
    split_of_line: array,
    splits: tuple[str, ...],
    report: SplitReport,
    progress: Progress | None,
) -> None:
    """Write the split files and the manifest beside their places, then move all of them in."""
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [*(out_dir / f"{split}.jsonl" for split in splits), out_dir / MANIFEST]
    with ExitStack() as stack:
        temps = [stack.enter_context(temp_path(t)) for t in targets]
        files = [stack.enter_context(tmp.open("wb")) for tmp in temps[:-1]]
        report.sha256, written = _copy_lines(path, keys, split_of_line, files, progress)
        for j, (split, fh) in enumerate(zip(splits, files, strict=True)):
            fh.close()
            report.outputs[split] = {
                "file": targets[j].name,
                "count": len(written[j]),
                "sha256": _sha256_file(temps[j]),
            }
        _write_manifest(temps[-1], report, dict(zip(splits, written, strict=True)))
        with signals_deferred():
            for tmp, target in zip(temps, targets, strict=True):
                install(tmp, target)


def _write_manifest(path: Path, report: SplitReport, lines: dict[str, array]) -> None:
    """One top-level key per line, values compact, so 100k line numbers stay readable."""
    manifest = report.to_dict()
    manifest["lines"] = {s: list(v) for s, v in lines.items()}
    body = ",\n".join(
        f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False, separators=(',', ':'))}"
        for k, v in manifest.items()
    )
    path.write_text("{\n" + body + "\n}\n", encoding="utf-8", newline="\n")


def read_manifest(path: str | Path) -> dict[str, Any]:
    """Load a `split.json` (a directory is taken to contain one)."""
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST
    return json.loads(path.read_text(encoding="utf-8"))
