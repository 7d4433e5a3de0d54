"""A cold run's writes to a stage store that has filled up: 80 batches of 30 vectors on a store of N entries.

    PYTHONPATH=. python bench/store_writes.py [--entries 300000] [--repeat 2]

A new day's cold run writes its vectors, entities and cleaned articles in some 80 batches. The store is built once
(N entries of 1,536 bytes, as many float32 vectors of 384 dimensions: 300,000 is some 640 MB, within the 1 GiB bound)
in a scratch folder, copied afresh for each timed run, and the batches timed in CPU and wall time. Run it from
another checkout (its root as the working directory and PYTHONPATH) to time that copy's `briefing.store`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from briefing.store import STORE_NAME, Store

VALUE_BYTES = 1536
BATCHES, PER_BATCH = 80, 30


def build(folder: Path, entries: int) -> None:
    store = Store.open(folder)
    assert store is not None
    with store:
        value = os.urandom(VALUE_BYTES)
        for start in range(0, entries, 10_000):
            store.put_many("vector", {f"old-{n}": value for n in range(start, min(entries, start + 10_000))})


def timed_writes(folder: Path) -> tuple[float, float]:
    store = Store.open(folder)
    assert store is not None
    with store:
        value = os.urandom(VALUE_BYTES)
        cpu, wall = time.process_time(), time.perf_counter()
        for batch in range(BATCHES):
            store.put_many("vector", {f"new-{batch}-{n}": value for n in range(PER_BATCH)})
        return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=2)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as scratch:
        built = Path(scratch) / "built"
        build(built, arguments.entries)
        size = (built / STORE_NAME).stat().st_size
        print(f"store: {arguments.entries} entries, {size / 2**20:.0f} MiB; load {os.getloadavg()[0]:.2f}")
        for run in range(arguments.repeat):
            copy = Path(scratch) / f"run{run}"
            shutil.copytree(built, copy)
            cpu, wall = timed_writes(copy)
            load = os.getloadavg()[0]
            print(f"{BATCHES} batches of {PER_BATCH}: {cpu:.2f} s CPU, {wall:.2f} s wall; load {load:.2f}")
            shutil.rmtree(copy)


if __name__ == "__main__":
    main()
