"""Cold and warm `briefing daily` on the dev articles, and one cached article through `briefing summarize`.

    PYTHONPATH=. python bench/warm.py [--data FILE] [--limit 100] [--checkout PATH] [--repeat 3]

Every run is a fresh `python -m briefing` process (wall time and its own peak RSS from wait4). First-ever: an empty
cache folder, so every model loads and the encoder's ONNX graph is built (once per weights, kept in the cache folder).
Cold: the cache folder emptied again but for that graph (`onnx/`), as on any later new day: the figure the target
is about. Warm: the same day again on that cache. Then one of the articles alone through `summarize` on the warm
cache. Warm runs are repeated and the median is printed.

Source files are compiled to bytecode first (as an installed package is), so no run pays for compiling the code.
The anchor, measured in the same run, is a fresh interpreter importing numpy (the floor of any run) and a fixed
pure-Python loop: on a shared machine absolute times are noise, ratios to these are not. `--checkout` times another
copy of the code (say main's, exported with `git archive`) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA = Path("../shared/data/summarization/cnn_dailymail_dev.jsonl")
DATE = "2026-11-25"
TARGETS = {"cold_s": 10.0, "warm_s": 2.0, "speedup": 10.0, "rss_mb": 1024.0, "summarize_s": 1.0}


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float


def timed(command: list[str], cwd: Path, environment: dict[str, str]) -> Run:
    """Wall time and peak resident memory of one child process (wait4 reports that child's own maximum)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024)


def anchor(environment: dict[str, str]) -> tuple[float, float]:
    """(a fresh interpreter importing numpy, a fixed pure-Python loop) in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import numpy"], check=True, env=environment)
    startup = time.perf_counter() - started
    started = time.perf_counter()
    total = 0
    for number in range(3_000_000):
        total += number % 7
    return startup, time.perf_counter() - started


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--checkout", type=Path, default=Path.cwd(), help="the copy of briefing to time")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs (the median is printed)")
    arguments = parser.parse_args()
    checkout = arguments.checkout.resolve()
    records = [line for line in arguments.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = records[: arguments.limit]

    with tempfile.TemporaryDirectory(prefix="bench-warm-") as scratch:
        work = Path(scratch)
        day = work / "day.jsonl"
        day.write_text("\n".join(records) + "\n", encoding="utf-8")
        one = work / "one.jsonl"
        one.write_text(records[0] + "\n", encoding="utf-8")
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        environment |= {"XDG_CACHE_HOME": str(work / "xdg"), "XDG_CONFIG_HOME": str(work / "config")}
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(checkout / "briefing")], check=True)
        briefing = [sys.executable, "-m", "briefing"]
        cache = ["--cache-dir", str(work / "cache")]

        def daily(out: str) -> list[str]:
            return [*briefing, "daily", str(day), "--out", str(work / out), "--date", DATE, "--quiet", *cache]

        print(f"load average before: {load_average()}  ({os.cpu_count()} CPUs)")
        startup, loop = anchor(environment)
        first = timed(daily("first"), checkout, environment)
        for entry in (work / "cache").iterdir():  # all but the ONNX graph (briefing/encoder/onnx_bert.py)
            if entry.name != "onnx":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        cold = timed(daily("cold"), checkout, environment)
        warm = [timed(daily(f"warm{n}"), checkout, environment) for n in range(arguments.repeat)]
        summarize = [
            timed([*briefing, "summarize", str(one), "--format", "jsonl", *cache], checkout, environment)
            for _ in range(arguments.repeat)
        ]
        startup_after, loop_after = anchor(environment)
        stories = [json.loads((work / out / DATE / "brief.json").read_text())["stories"] for out in ("first", "cold")]
        same = stories[0] == stories[1] == json.loads((work / "warm0" / DATE / "brief.json").read_text())["stories"]

    warm_s = statistics.median(run.seconds for run in warm)
    summarize_s = statistics.median(run.seconds for run in summarize)
    figures = {
        "cold_s": cold.seconds,
        "warm_s": warm_s,
        "speedup": cold.seconds / warm_s,
        "rss_mb": max(first.peak_rss_mb, cold.peak_rss_mb, *(run.peak_rss_mb for run in warm)),
        "summarize_s": summarize_s,
    }
    backend = environment.get("BRIEFING_ENCODER_BACKEND", "default")
    print(f"checkout: {checkout}  articles: {len(records)}  encoder backend: {backend}")
    print(f"anchor: python -c 'import numpy' {startup:.2f} s / {startup_after:.2f} s (before / after)")
    print(f"anchor: fixed pure-Python loop {loop:.2f} s / {loop_after:.2f} s")
    print(f"first-ever daily      {first.seconds:7.2f} s   peak RSS {first.peak_rss_mb:7.0f} MB  (builds the graph)")
    print(f"cold daily            {cold.seconds:7.2f} s   peak RSS {cold.peak_rss_mb:7.0f} MB")
    for n, run in enumerate(warm):
        print(f"warm daily #{n + 1}         {run.seconds:7.2f} s   peak RSS {run.peak_rss_mb:7.0f} MB")
    print(f"warm / cold           {figures['speedup']:7.1f}x faster   (median warm {warm_s:.2f} s)")
    for n, run in enumerate(summarize):
        print(f"summarize 1 cached #{n + 1} {run.seconds:7.2f} s   peak RSS {run.peak_rss_mb:7.0f} MB")
    print(f"stories identical (first-ever, cold, warm): {same}")
    print(
        f"in numpy-start-ups: cold {cold.seconds / startup:.1f}, warm {warm_s / startup:.1f}, "
        f"summarize {summarize_s / startup:.1f}"
    )
    for name, target in TARGETS.items():
        met = figures[name] >= target if name == "speedup" else figures[name] <= target
        print(f"target {name:12} {'met' if met else 'NOT met':7} ({figures[name]:.2f} vs {target})")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
