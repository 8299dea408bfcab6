"""Benchmark `repvoice serve` under load on loopback: throughput, fixed-rate latency, memory.

Run:  .venv/bin/python benchmarks/bench_serve.py [--workers 1,2] [--rate 500] [--seconds 60]
      [--wrk-seconds 20] [--connections 32]

Needs `wrk` (Debian/Ubuntu: `apt-get install wrk`; macOS: `brew install wrk`). For each worker
count it starts `repvoice serve --host 127.0.0.1 --port FREE --workers N` in a subprocess and
runs, against `POST /api/voice/parse`:

1. maximum throughput: `wrk -t1 -c32 -d20s` with a Lua script rotating the request bodies;
2. a fixed rate (500 requests/s for 60 s) from this file's own constant-rate generator
   (`--child rate`: asyncio + httpx, one connection pool), which measures each latency from the
   request's scheduled send time, so a stalled server cannot hide its queueing delay
   (coordinated omission);
3. the server's RSS (summed over its process tree from /proc) once a second during run 2.

The bodies are VoiceFit requests (`transcript`, `workout_context` with VoiceFit's names,
`user_id`) built from the bundled test split and tests/data/handwritten_eval.jsonl. Everything
is confined to the first two CPUs: one worker gets CPU 0 and the load generators CPU 1; two or
more workers share both CPUs with the load generators. The targets are judged on the largest
worker count run (the 2-core deployment). Prints a table, writes the "Service: load on
loopback" section of BENCHMARKS.md and exits 1 when a target is missed (the section is written
either way), 2 when the benchmark cannot run (no wrk, the server does not start).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _report import ROOT, write_section

SECTION = "Service: load on loopback"
PATH = "/api/voice/parse"
HANDWRITTEN = ROOT / "tests" / "data" / "handwritten_eval.jsonl"
WRK_HINT = "install it with `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk` (macOS)"

TARGET_RPS = 1500.0
TARGET_P99_MS = 20.0
TARGET_RSS_GROWTH = 0.10

#: VoiceFit's `workout_context` names for the fields of `repvoice.schema.Context`.
VOICEFIT_NAMES = {
    "exercise_id": "current_exercise_id",
    "exercise_name": "current_exercise",
    "weight": "last_weight",
    "weight_unit": "last_weight_unit",
    "reps": "last_reps",
    "rpe": "last_rpe",
}

# wrk's Lua hooks: rotate the bodies, and print one JSON line of results at the end.
LUA = """\
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


# --- request bodies --------------------------------------------------------------------------


def request_bodies() -> list[str]:
    """One VoiceFit request body per usable example of the test split and the hand-written set."""
    from repvoice.data.bundled import default_test_path
    from repvoice.parser.train import TrainReport, read_examples

    bodies: list[str] = []
    for path in (default_test_path(), HANDWRITTEN):
        for ex in read_examples(path, TrainReport(source=str(path))):
            body: dict[str, Any] = {"transcript": ex.text, "user_id": "bench-user"}
            if ex.context is not None:
                ctx = ex.context.model_dump(mode="json", exclude_none=True)
                body["workout_context"] = {VOICEFIT_NAMES.get(k, k): v for k, v in ctx.items()}
            bodies.append(json.dumps(body))
    return bodies


def lua_script(bodies: list[str]) -> str:
    """The wrk script with the bodies inlined as a Lua table."""

    def quoted(s: str) -> str:
        escaped = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return '"' + escaped + '"'

    return "bodies = {\n" + ",\n".join(quoted(b) for b in bodies) + "\n}\n" + LUA


# --- the constant-rate generator (a child process) -------------------------------------------


def child_rate(url: str, bodies_file: str, rate: float, seconds: float) -> dict[str, Any]:
    """Send `rate` requests per second for `seconds` on a fixed schedule; latencies in ms
    are measured from each request's scheduled send time."""
    import asyncio

    import httpx

    bodies = [b.encode() for b in json.loads(Path(bodies_file).read_text(encoding="utf-8"))]
    total = round(rate * seconds)
    latencies: list[float] = []
    lags: list[float] = []
    errors: Counter[str] = Counter()

    # perf_counter, not loop.time(): uvloop's clock has millisecond resolution.
    clock = time.perf_counter

    async def run() -> float:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        headers = {"content-type": "application/json"}
        async with httpx.AsyncClient(limits=limits, timeout=5.0, headers=headers) as client:

            async def one(at: float, body: bytes) -> None:
                try:
                    reply = await client.post(url, content=body)
                    if reply.status_code != 200:
                        errors[f"HTTP {reply.status_code}"] += 1
                    elif b'"model_used"' not in reply.content:
                        errors["200 without a parse answer"] += 1
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                latencies.append((clock() - at) * 1000)

            for body in bodies[:50]:  # open the pool's first connection; not timed
                await client.post(url, content=body)
            tasks: set[asyncio.Task[None]] = set()
            start = clock() + 0.01
            for i in range(total):
                at = start + i / rate
                delay = at - clock()
                if delay > 0:
                    await asyncio.sleep(delay)
                lags.append((clock() - at) * 1000)
                task = asyncio.create_task(one(at, bodies[i % len(bodies)]))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            await asyncio.gather(*tasks)
            return clock() - start

    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        elapsed = runner.run(run())
    ms = sorted(latencies)
    cuts = statistics.quantiles(ms, n=1000, method="inclusive")
    return {
        "scheduled": total,
        "answered": len(ms) - sum(errors.values()),
        "elapsed_s": elapsed,
        "p50_ms": statistics.median(ms),
        "p90_ms": cuts[899],
        "p99_ms": cuts[989],
        "p999_ms": cuts[998],
        "max_ms": ms[-1],
        "max_send_lag_ms": max(lags),
        "errors": dict(errors),
        "event_loop": "uvloop" if factory else "asyncio",
    }


# --- the server and its memory ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: the ppid follows the last ")"
        ppid = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def rss_mb(pid: int) -> float:
    """A process's resident set in MB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def connections_by_pid(root: int, port: int) -> dict[int, int]:
    """Established connections to `port` held by each process of the tree (from /proc)."""
    inodes: set[str] = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        cols = line.split()
        if cols[3] == "01" and int(cols[1].rpartition(":")[2], 16) == port:
            inodes.add(cols[9])
    held: dict[int, int] = {}
    for pid in process_tree(root):
        try:
            links = [os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        count = sum(1 for link in links if link[8:-1] in inodes and link.startswith("socket:"))
        if count:
            held[pid] = count
    return held


@dataclass
class MemorySampler:
    """Samples the RSS of a process tree once a second, in a thread."""

    root: int
    totals: list[float] = field(default_factory=list)
    per_pid: dict[int, list[float]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> float:
        total = 0.0
        for pid in process_tree(self.root):
            mb = rss_mb(pid)
            self.per_pid.setdefault(pid, []).append(mb)
            total += mb
        self.totals.append(total)
        return total

    def __enter__(self) -> MemorySampler:
        def loop() -> None:
            while not self._stop.wait(1.0):
                self.sample()

        self.sample()
        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()


class Server:
    """`repvoice serve` on a free loopback port, pinned to `cpus`; a context manager that stops
    it with SIGTERM (the exit status lands in `status`)."""

    def __init__(self, workers: int, cpus: str) -> None:
        self.workers = workers
        self.cpus = cpus
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.status: int | None = None

    def __enter__(self) -> Server:
        exe = shutil.which("repvoice") or str(Path(sys.executable).with_name("repvoice"))
        cmd = [exe, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        cmd += ["--workers", str(self.workers), "--log-level", "warning"]
        self.log = tempfile.TemporaryFile("w+")  # closed in __exit__
        self.proc = subprocess.Popen(
            ["taskset", "-c", self.cpus, *cmd],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
        self.log.close()

    def wait_ready(self, timeout: float = 60.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.fail(f"exited with status {self.proc.returncode}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.fail(f"not ready after {timeout:.0f} s")

    def check(self, body: str) -> None:
        """One request, answered by the local parser, before any load."""
        import httpx

        reply = httpx.post(self.url + PATH, content=body, timeout=5.0)
        if reply.status_code != 200 or reply.json().get("model_used") != "local":
            self.fail(f"answered {reply.status_code}: {reply.text[:200]}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL to the whole group if it is not gone in 20 s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.status = self.proc.returncode

    def fail(self, why: str) -> None:
        self.stop()
        self.log.seek(0)
        sys.exit(f"repvoice serve --workers {self.workers} {why}:\n{self.log.read()[-2000:]}")


# --- the measurements ------------------------------------------------------------------------


@dataclass
class Result:
    """Everything measured for one worker count."""

    workers: int
    server_cpus: str
    load_cpus: str
    wrk: dict[str, Any]
    #: wrk's connections per server process, most first.
    split: list[int]
    rate: dict[str, Any]
    rss_idle_mb: float
    rss: list[float]
    growth_by_pid: dict[int, float]
    stop_status: int | None

    @property
    def wrk_rps(self) -> float:
        return self.wrk["requests"] / (self.wrk["duration_us"] / 1e6)

    @property
    def wrk_errors(self) -> int:
        return sum(self.wrk[k] for k in ("connect", "read", "write", "status", "timeout"))

    @property
    def rate_errors(self) -> int:
        return sum(self.rate["errors"].values())

    @property
    def growth(self) -> float:
        return (self.rss[-1] - self.rss[0]) / self.rss[0]


def run_wrk(
    server: Server, script: Path, cpus: str, seconds: int, connections: int
) -> tuple[dict[str, Any], list[int]]:
    """wrk's results, and how its connections were spread over the server's processes."""
    cmd = ["taskset", "-c", cpus, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s"]
    cmd += ["--timeout", "5s", "-s", str(script), server.url + PATH]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as wrk:
        time.sleep(min(2.0, seconds / 2))
        split = sorted(connections_by_pid(server.proc.pid, server.port).values(), reverse=True)
        stdout, stderr = wrk.communicate(timeout=seconds + 60)
    for line in stdout.splitlines():
        if line.startswith("WRK-JSON "):
            return json.loads(line.removeprefix("WRK-JSON ")), split
    sys.exit(f"wrk printed no results (exit {wrk.returncode}):\n{stdout}\n{stderr}")


def measure(workers: int, cpus: list[int], args: argparse.Namespace, tmp: Path) -> Result:
    """Start a server with `workers` workers and run the three measurements against it."""
    if workers == 1 and len(cpus) > 1:
        server_cpus, load_cpus = str(cpus[0]), str(cpus[1])
    else:
        server_cpus = load_cpus = ",".join(map(str, cpus))
    bodies = json.loads((tmp / "bodies.json").read_text(encoding="utf-8"))
    with Server(workers, server_cpus) as server:
        server.wait_ready()
        server.check(bodies[0])
        rss_idle = MemorySampler(server.proc.pid).sample()
        say(f"{workers} worker(s): warm-up, then wrk for {args.wrk_seconds} s …")
        run_wrk(server, tmp / "bodies.lua", load_cpus, 3, args.connections)
        wrk, split = run_wrk(
            server, tmp / "bodies.lua", load_cpus, args.wrk_seconds, args.connections
        )
        say(f"{workers} worker(s): {args.rate:g} requests/s for {args.seconds:g} s …")
        cmd = ["taskset", "-c", load_cpus, sys.executable, str(Path(__file__).resolve())]
        cmd += ["--child", "rate", "--url", server.url + PATH, "--bodies", str(tmp / "bodies.json")]
        cmd += ["--rate", str(args.rate), "--seconds", str(args.seconds)]
        with MemorySampler(server.proc.pid) as memory:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.seconds + 120)
        if out.returncode != 0:
            server.fail(f"under the fixed-rate run: the generator failed:\n{out.stderr[-2000:]}")
        rate = json.loads(out.stdout)
    growth = {pid: (s[-1] - s[0]) / s[0] for pid, s in memory.per_pid.items() if s and s[0] > 0}
    return Result(
        workers,
        server_cpus,
        load_cpus,
        wrk,
        split,
        rate,
        rss_idle,
        memory.totals,
        growth,
        server.status,
    )


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the report ------------------------------------------------------------------------------


@dataclass
class Row:
    """One measure across the worker counts; `met` (judged on the last column) or None."""

    measure: str
    values: list[str]
    target: str = "—"
    met: bool | None = None

    def markdown(self) -> str:
        verdict = "—" if self.met is None else ("yes" if self.met else "**NO**")
        return f"| {self.measure} | {' | '.join(self.values)} | {self.target} | {verdict} |"


def rows(results: list[Result], args: argparse.Namespace) -> list[Row]:
    judged = results[-1]

    def row(measure: str, fmt: Any, target: str = "—", ok: Any = None) -> Row:
        return Row(measure, [fmt(r) for r in results], target, None if ok is None else ok(judged))

    wrk = f"wrk -t1 -c{args.connections} -d{args.wrk_seconds}s"
    fixed = f"{args.rate:g} req/s for {args.seconds:g} s"
    return [
        row("CPUs: server / load generator", lambda r: f"{r.server_cpus} / {r.load_cpus}"),
        row(f"max throughput ({wrk})", lambda r: f"{r.wrk_rps:,.0f} req/s",
            f">= {TARGET_RPS:,.0f} req/s", lambda r: r.wrk_rps >= TARGET_RPS),
        row("  latency p50 / p99 / max at max throughput",
            lambda r: f"{r.wrk['p50_us'] / 1000:.1f} / {r.wrk['p99_us'] / 1000:.1f} / "
            f"{r.wrk['max_us'] / 1000:.1f} ms"),
        row("  wrk connections per server process",
            lambda r: " + ".join(map(str, r.split)) or "?"),
        row("  errors (socket, timeout) / non-2xx",
            lambda r: f"{r.wrk_errors - r.wrk['status']} / {r.wrk['status']}",
            "0", lambda r: r.wrk_errors == 0),
        row(f"fixed rate ({fixed}): answered / scheduled",
            lambda r: f"{r.rate['answered']:,} / {r.rate['scheduled']:,}"),
        row("  sent at / largest send delay of the generator",
            lambda r: f"{r.rate['scheduled'] / r.rate['elapsed_s']:,.0f} req/s / "
            f"{r.rate['max_send_lag_ms']:.1f} ms"),
        row("  latency p50", lambda r: f"{r.rate['p50_ms']:.2f} ms"),
        row("  latency p90", lambda r: f"{r.rate['p90_ms']:.2f} ms"),
        row("  latency p99", lambda r: f"{r.rate['p99_ms']:.2f} ms",
            f"< {TARGET_P99_MS:g} ms", lambda r: r.rate["p99_ms"] < TARGET_P99_MS),
        row("  latency p99.9", lambda r: f"{r.rate['p999_ms']:.2f} ms"),
        row("  latency max", lambda r: f"{r.rate['max_ms']:.2f} ms"),
        row("  errors (transport, timeout, non-200)",
            lambda r: ", ".join(f"{k}: {v}" for k, v in r.rate["errors"].items()) or "0",
            "0", lambda r: r.rate_errors == 0 and r.rate["answered"] == r.rate["scheduled"]),
        row("server RSS after start-up, before load", lambda r: f"{r.rss_idle_mb:.0f} MB"),
        row(f"server RSS over the {args.seconds:g} s run: start / end / max",
            lambda r: f"{r.rss[0]:.0f} / {r.rss[-1]:.0f} / {max(r.rss):.0f} MB "
            f"({len(r.rss)} samples)"),
        row("  RSS growth over the run", lambda r: f"{r.growth:+.1%}",
            f"< {TARGET_RSS_GROWTH:.0%}", lambda r: r.growth < TARGET_RSS_GROWTH),
        row("  largest growth of one server process",
            lambda r: f"{max(r.growth_by_pid.values()):+.1%} ({len(r.growth_by_pid)} processes)"),
        row("exit status after SIGTERM", lambda r: str(r.stop_status)),
    ]  # fmt: skip


def report(results: list[Result], table: list[Row], command: str) -> str:
    heads = " | ".join(f"{r.workers} worker{'s' if r.workers > 1 else ''}" for r in results)
    lines = "\n".join(r.markdown() for r in table)
    rate = results[-1].rate
    return (
        f"Command: `{command}`\n\n"
        "`repvoice serve --host 127.0.0.1 --port FREE --workers N` (local backend, bundled "
        "model, access log off) in a subprocess; every request is `POST /api/voice/parse` with "
        "a VoiceFit body (`transcript`, `workout_context` for follow-ups, `user_id`), rotating "
        "through the transcripts of the bundled test split and `tests/data/handwritten_eval."
        "jsonl`. Only the first two CPUs are used: with one worker the server has CPU 0 and "
        "the load generator CPU 1; with two workers the server and the load generator share "
        "CPUs 0 and 1 (`taskset`). Max throughput is closed-loop `wrk` (Debian's wrk 4, one "
        "thread) after a 3 s warm-up. uvicorn's workers share one listening socket and the "
        "first one awake accepts a whole burst of new connections, so wrk's connections can "
        "all land on one worker (the connections row shows how they fell, read from /proc); "
        "when they do, the throughput is one worker's. The fixed-rate run is open-loop, from "
        "the benchmark's own "
        f"generator (asyncio on {rate['event_loop']}, one httpx connection pool): each request "
        "has a scheduled send time and its latency is measured from that time to the end of "
        "the response, so the generator's own delays and any queueing in the server count "
        "against the server (no coordinated omission); the latencies include the client's "
        "Python overhead. RSS is summed over the server's process tree (supervisor and "
        "workers) from /proc, once a second during the fixed-rate run; growth is end against "
        "start. Targets are judged on the last column.\n\n"
        f"| measure | {heads} | target | met |\n|---|{'---|' * len(results)}---|---|\n{lines}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    ap.add_argument("--rate", type=float, default=500.0, help="requests/s of the fixed-rate run")
    ap.add_argument("--seconds", type=float, default=60.0, help="length of the fixed-rate run")
    ap.add_argument("--wrk-seconds", type=int, default=20, help="length of the wrk run")
    ap.add_argument("--connections", type=int, default=32, help="wrk connections")
    ap.add_argument("--child", choices=("rate",), help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    ap.add_argument("--bodies", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "rate":
        print(json.dumps(child_rate(args.url, args.bodies, args.rate, args.seconds)))
        return 0

    if shutil.which("wrk") is None:
        print(f"wrk not found on PATH; {WRK_HINT}", file=sys.stderr)
        return 2
    if shutil.which("taskset") is None or not sys.platform.startswith("linux"):
        print("this benchmark needs Linux with taskset (util-linux)", file=sys.stderr)
        return 2
    workers = sorted({int(w) for w in args.workers.split(",")})
    cpus = sorted(os.sched_getaffinity(0))[:2]
    bodies = request_bodies()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bodies.json").write_text(json.dumps(bodies), encoding="utf-8")
        (Path(tmp) / "bodies.lua").write_text(lua_script(bodies), encoding="utf-8")
        for n in workers:
            results.append(measure(n, cpus, args, Path(tmp)))

    table = rows(results, args)
    width = max(len(r.measure) for r in table)
    print(f"{'':<{width}}  " + "  ".join(f"{r.workers} worker(s)" for r in results))
    for row in table:
        verdict = "" if row.met is None else ("  ok" if row.met else "  MISSED")
        target = "" if row.met is None else f"  (target {row.target})"
        print(f"{row.measure:<{width}}  {'  |  '.join(row.values)}{target}{verdict}")
    write_section(SECTION, report(results, table, command(args)))
    missed = [r.measure.strip() for r in table if r.met is False]
    if missed:
        print(f"{len(missed)} target(s) missed: {'; '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


def command(args: argparse.Namespace) -> str:
    """The command line, with the options that differ from the defaults."""
    opts = ""
    defaults = {"workers": "1,2", "rate": 500.0, "seconds": 60.0, "wrk_seconds": 20,
                "connections": 32}  # fmt: skip
    for name, default in defaults.items():
        value = getattr(args, name)
        if value != default:
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            opts += f" --{name.replace('_', '-')} {shown}"
    return ".venv/bin/python benchmarks/bench_serve.py" + opts


if __name__ == "__main__":
    raise SystemExit(main())
