"""The per-article stages on Ray Data (`--executor ray`): ingest + clean as map_batches tasks, summarize + the
per-article guard as map_batches on an actor pool that loads the models once per actor. Compose and render stay on
the driver, which also keeps the summary cache: consulted before any article is sent out, filled as batches return.

The brief is the one `--executor local` makes: the work units are the ones `ingest` reads, in the same order (a
folder is split into its files here, so that its files spread over the workers); results are put back in that order
before duplicates are dropped; workers run the same clean, summarize and guard code. Records cross the process
boundary pickled, so no field is lost or converted on the way.

Failures: ingest and clean already turn a bad input into a Skipped; a summarizer that raises on an article (not a
BriefingError, which is a setting or model problem that ends the run as it does locally) skips that article with its
reason. A worker process that dies is restarted by Ray and its batch retried (`max_restarts`, `max_task_retries`).
"""

from __future__ import annotations

import logging
import os
import pickle
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import numpy as np

import briefing
from briefing.config import Settings
from briefing.errors import BriefingError, ConfigError, ModelError
from briefing.executor import require_ray
from briefing.ingest import ingest_unit, work_units
from briefing.records import Article, Skipped, Summary

log = logging.getLogger(__name__)

CLEAN_BATCH = 4  # sources read and cleaned per task: small, so that a slow site does not hold up a whole block
SUMMARY_BATCH = 8  # articles per actor call: enough to batch the encoder, few enough to spread over the pool
LOCAL_START_TRIES = 3  # a local raylet must register within Ray's fixed 30 s: a loaded machine can miss that once
RETRIES = 3  # restarts of a dead actor, retries of its batch (tasks: Ray's default of 3 retries)
# Ray 2.60 deprecates retry counts passed to map_batches (`ray_remote_args`) but names no replacement for them, and
# without them an actor that dies (out of memory) is restarted for ever: keep the bounded counts, silence the notice
# (pyproject pins ray below 2.64, which removes them).
_RETRY_ARGS_DEPRECATED = r"`ray_remote_args` is deprecated"
Batch = dict[str, np.ndarray]
T = TypeVar("T")


@dataclass(frozen=True)
class WorkerError:
    """A BriefingError raised inside a worker (a model that cannot load, say): the run ends with its message."""

    message: str


def ensure_ray(settings: Settings) -> ModuleType:
    """Ray, connected: to `--ray-address`, or to a local instance started once for this process (Ray shuts it down
    when the process exits). Workers import the driver's own `briefing`: from its folder on a local instance,
    uploaded (py_modules) to a cluster."""
    ray = require_ray()
    if ray.is_initialized():
        return ray
    package = Path(briefing.__file__).resolve().parent
    if settings.ray_address:
        runtime_env: dict[str, Any] = {"py_modules": [str(package)]}
    else:
        path = os.pathsep.join(filter(None, [str(package.parent), os.environ.get("PYTHONPATH")]))
        runtime_env = {"env_vars": {"PYTHONPATH": path}}
    for attempt in range(1 if settings.ray_address else LOCAL_START_TRIES):
        try:
            ray.init(
                address=settings.ray_address,
                num_cpus=None if settings.ray_address else settings.ray_workers,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
                runtime_env=runtime_env,
            )
            break
        except Exception as error:  # Ray raises bare Exceptions (a raylet that took over 30 s to register, say)
            ray.shutdown()
            if not settings.ray_address and attempt + 1 < LOCAL_START_TRIES:
                log.warning("Ray did not start (%s); trying again", " ".join(str(error).split())[:120])
                continue
            where = f"the Ray cluster at {settings.ray_address}" if settings.ray_address else "a local Ray instance"
            reason = " ".join(str(error).split())[:200]
            raise ConfigError(
                f"--executor ray: cannot start or reach {where} ({type(error).__name__}: {reason})"
            ) from None
    ray.data.DataContext.get_current().enable_progress_bars = False  # the CLI draws its own
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # its execution plans are not the user's business
    return ray


def worker_count(ray: ModuleType, settings: Settings) -> int:
    return settings.ray_workers or max(1, int(ray.cluster_resources().get("CPU", 1)))


# -- ingest and clean ---------------------------------------------------------------------------------------------


def ingest_and_clean_on_ray(
    sources: Sequence[str], settings: Settings
) -> tuple[list[Skipped], list[Article | Skipped]]:
    """(what ingest skipped, each document's cleaned Article or Skipped) in the order a local run produces them.

    Two map_batches: ingest reads each unit (a file, a URL, a feed) into its documents, which are then spread over
    the workers (one JSONL of a hundred records is a hundred documents to clean) and cleaned.
    """
    ray = ensure_ray(settings)
    plan: list[Skipped | int] = []  # a Skipped found here, or the number of a unit sent to the workers
    units: list[dict[str, Any]] = []
    for unit in work_units(sources):
        if isinstance(unit, Skipped):
            plan.append(unit)
            continue
        source, hint = unit
        plan.append(len(units))
        if source == "-":  # stdin is this process's: read here, cleaned there
            read = ingest_unit(source, hint, settings)
            items = [*(("skip", s) for s in read.skipped), *(("doc", d) for d in read.documents)]
            units.append({"unit": len(units), "payload": pickle.dumps(("read", items))})
        else:
            units.append({"unit": len(units), "payload": pickle.dumps(("source", (source, hint)))})
    done: dict[int, list[tuple[int, str, Any]]] = {index: [] for index in range(len(units))}
    if units:
        workers = worker_count(ray, settings)
        blocks = workers * 4
        with _bounded_retries():
            ingested = ray.data.from_items(units, override_num_blocks=min(len(units), blocks)).map_batches(
                _ingest,
                fn_kwargs={"settings": settings},
                batch_size=CLEAN_BATCH,
                batch_format="numpy",
                compute=ray.data.TaskPoolStrategy(size=workers),
                max_retries=RETRIES,
            )
            cleaned = ingested.repartition(blocks).map_batches(
                _clean,
                batch_size=CLEAN_BATCH,
                batch_format="numpy",
                compute=ray.data.TaskPoolStrategy(size=workers),
                max_retries=RETRIES,
            )
        for row in _ray_errors(cleaned.iter_rows()):
            kind, item = pickle.loads(row["payload"])
            done[int(row["unit"])].append((int(row["seq"]), kind, item))
    skipped: list[Skipped] = []
    outcomes: list[Article | Skipped] = []
    for step in plan:
        if isinstance(step, Skipped):
            skipped.append(step)
            continue
        for _, kind, item in sorted(done[step], key=lambda entry: entry[0]):
            (skipped if kind == "skip" else outcomes).append(item)
    return skipped, outcomes


def _ingest(batch: Batch, settings: Settings) -> Batch:
    """Each unit's items, one row each, numbered in reading order: ("skip", Skipped) or ("doc", RawDocument)."""
    unit_numbers: list[int] = []
    numbers: list[int] = []
    payloads: list[bytes] = []
    for unit, payload in zip(batch["unit"], batch["payload"], strict=True):
        what, value = pickle.loads(payload)
        if what == "source":
            source, hint = value
            read = ingest_unit(source, hint, settings)
            value = [*(("skip", s) for s in read.skipped), *(("doc", d) for d in read.documents)]
        for number, item in enumerate(value):
            unit_numbers.append(int(unit))
            numbers.append(number)
            payloads.append(pickle.dumps(item))
    return {
        "unit": np.array(unit_numbers, dtype=np.int64),
        "seq": np.array(numbers, dtype=np.int64),
        "payload": np.array(payloads, dtype=object),
    }


def _clean(batch: Batch) -> Batch:
    """("doc", RawDocument) rows become ("clean", Article or Skipped); skips pass through."""
    from briefing.pipeline import clean_or_skip

    payloads = []
    for payload in batch["payload"]:
        kind, item = pickle.loads(payload)
        payloads.append(pickle.dumps(("clean", clean_or_skip(item)) if kind == "doc" else (kind, item)))
    return {"unit": batch["unit"], "seq": batch["seq"], "payload": np.array(payloads, dtype=object)}


# -- summarize and guard ------------------------------------------------------------------------------------------


def summarize_on_ray(
    missing: list[int], articles: Sequence[Article], settings: Settings
) -> Iterator[tuple[list[int], list[Summary | Skipped]]]:
    """(article indexes, their guarded summaries or Skipped) as the actor pool returns them."""
    from briefing.summarize.registry import SUMMARIZERS

    ray = ensure_ray(settings)
    summarizer_class = SUMMARIZERS.get(settings.method.value)
    if summarizer_class is None:
        raise ConfigError(f"unknown method {settings.method.value!r}; choose one of {', '.join(sorted(SUMMARIZERS))}")
    workers = min(worker_count(ray, settings), max(1, -(-len(missing) // SUMMARY_BATCH)))
    rows = [{"index": index, "payload": pickle.dumps(articles[index])} for index in missing]
    dataset = ray.data.from_items(rows, override_num_blocks=min(len(rows), workers * 4))
    with _bounded_retries():
        summarized = dataset.map_batches(
            SummarizeActor,
            fn_constructor_kwargs={"settings": settings, "summarizer_class": summarizer_class},
            batch_size=SUMMARY_BATCH,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=workers),
            max_restarts=RETRIES,
            max_task_retries=RETRIES,
        )
    for batch in _ray_errors(summarized.iter_batches(batch_size=None, batch_format="numpy")):
        outcomes = [pickle.loads(payload) for payload in batch["payload"]]
        failure = next((outcome for outcome in outcomes if isinstance(outcome, WorkerError)), None)
        if failure is not None:
            raise ModelError(failure.message)
        yield [int(index) for index in batch["index"]], outcomes


class SummarizeActor:
    """One per pool slot: the run's models (loaded on the first batch, kept for the next) and the summarizer."""

    def __init__(self, settings: Settings, summarizer_class: type) -> None:
        from briefing.models import RunModels

        self.settings = settings
        self.models = RunModels(settings)
        self.summarizer_class = summarizer_class
        self.summarizer: Any = None

    def __call__(self, batch: Batch) -> Batch:
        articles = [pickle.loads(payload) for payload in batch["payload"]]
        outcomes = self._summarize(articles)
        return {"index": batch["index"], "payload": np.array([pickle.dumps(o) for o in outcomes], dtype=object)}

    def _summarize(self, articles: list[Article]) -> list[Summary | Skipped | WorkerError]:
        from briefing.summarize import summarize_batch

        try:
            if self.summarizer is None:
                self.summarizer = self.summarizer_class(self.settings, self.models)
            return list(summarize_batch(self.summarizer, articles, self.settings, self.models))
        except BriefingError as error:
            return [WorkerError(str(error))] * len(articles)
        except Exception as error:
            if len(articles) > 1:  # find the article it fails on; the others are summarized
                return [outcome for article in articles for outcome in self._summarize([article])]
            log.warning("summarizer failed on %s", articles[0].source, exc_info=True)
            detail = " ".join(f"{type(error).__name__}: {error}".split())[:200]
            return [Skipped(articles[0].source, f"could not be summarized ({detail}); the summarizer failed on it")]


@contextmanager
def _bounded_retries() -> Iterator[None]:
    """Passing Ray our bounded retry counts without its deprecation notice on every run (see RETRIES)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_RETRY_ARGS_DEPRECATED)
        yield


def _ray_errors(results: Iterable[T]) -> Iterator[T]:
    """A Ray Data result, streamed; what Ray raises (its wrapping of a worker's error) becomes one ModelError line."""
    try:
        yield from results
    except BriefingError:
        raise
    except Exception as error:
        first = next((line for line in str(error).splitlines() if line.strip()), type(error).__name__)
        raise ModelError(f"--executor ray: the Ray job failed ({type(error).__name__}: {first[:200]})") from None
