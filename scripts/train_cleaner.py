"""Train the block classifiers of the cleaner, or cross-validate them only.

    pip install -e '.[bench]'          # scikit-learn, for training only
    python scripts/train_cleaner.py --cv-only [--data ../shared/data/extraction] [--folds 10] [--kind text|html|both]
    python scripts/train_cleaner.py [--out FOLDER]     # writes FOLDER/dump_model.json, html_model.json
    python scripts/train_cleaner.py --out briefing/clean   # replaces the shipped weights: say so in the commit

`--cv-only` prints the per-fold and pooled cross-validated figures and writes nothing. Without it the weights go to
`--out` (default: a new temporary folder, printed); the shipped weights are only replaced when `--out` names their
folder.

Reads the development pages of `<data>/text/*.txt` (plain-text dumps, one block a line), `<data>/html/*.html.gz` and
the human-marked bodies in `<data>/ground-truth.json`. Every block is labelled by the share of its word 4-shingles
found in the gold body (each gold shingle used once; a block under 4 tokens counts only next to a labelled article
block), 0.5 and up meaning "article". Two logistic regressions are fitted per input kind (features in
`briefing/clean/features.py` and `context.py`, scoring in `model.py`): pass 1 on each block's own features, pass 2
adding its neighbours' pass-1 probabilities, predicted out-of-fold as they will be on unseen pages. Samples weigh
sqrt(tokens + 1), so long paragraphs (which carry most of the shingles) count more than menu items.

The keep threshold is the one with the best cross-validated page F1. For HTML there are two: one for blocks
trafilatura kept (low: the model only vetoes them when sure) and one for blocks it missed (high: only clear article
paragraphs are taken back). Cross-validation holds out whole sites (pages grouped by domain, k folds), so a score never
comes from a page whose site the model saw. The script prints the cross-validated and the in-sample word-shingle P/R/F1
and the anchor's, and writes `dump_model.json` and `html_model.json` (a few hundred numbers each, with the CV scores
in their "info"; shipped in `briefing/clean/`). The runtime scores the weights with numpy only. A third pass
(`--passes 3`) was tried and cross-validates worse (0.875 on text dumps): it overfits the 61 pages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from briefing.clean import html as html_cleaning
from briefing.clean.context import CONTEXT_FEATURES
from briefing.clean.context import context_features as make_context
from briefing.clean.dump import select_blocks
from briefing.clean.features import (
    BASE_FEATURES,
    Blocks,
    PageFeatures,
    blocks_from_dump,
    page_features,
)
from briefing.clean.furniture import is_furniture_line
from briefing.clean.model import DUMP_MODEL_PATH, HTML_MODEL_PATH, BlockModel, LogisticStage
from briefing.clean.shingles import block_shares, score_corpus, score_page
from briefing.clean.span import refine_keep

_TOKEN = re.compile(r"\w+")
THRESHOLDS = np.round(np.arange(0.30, 0.71, 0.05), 2)
# HTML: a block trafilatura missed needs a high probability to be added, one it kept a low one to be dropped.
ADD_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
ANCHOR_THRESHOLDS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)
PASSES = 2
POOR_PAGE_F1 = 0.5  # the cross-validated pages scoring under this are listed by name
REGULARISATION = 1.0  # inverse L2 strength of both passes; features are standardised first


@dataclass(frozen=True)
class Page:
    key: str
    site: str
    gold: str
    blocks: Blocks
    title: str | None
    features: PageFeatures
    extra: np.ndarray
    labels: np.ndarray
    weights: np.ndarray
    reference: str  # the anchor extractor's text (trafilatura for HTML)
    kind: str = "text"


def label_blocks(texts: tuple[str, ...], gold: str) -> np.ndarray:
    """Share of each block's 4-shingles found in the gold body (see `block_shares`); 0.5 and up is article."""
    return np.asarray(block_shares(texts, gold), dtype=float)


def load_pages(data: Path, kind: str) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        gold, url = truth[key]["articleBody"], truth[key].get("url")
        if kind == "text":
            blocks = blocks_from_dump((data / "text" / f"{key}.txt").read_text(encoding="utf-8"))
            title, extra, reference = None, np.zeros((len(blocks.texts), 0)), ""
        else:
            markup = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
            view = html_cleaning.page_view(markup, url)
            if view is None:
                continue
            blocks, title, extra, reference = view.blocks, view.title, view.extra, view.trafilatura_text
        labels = label_blocks(blocks.texts, gold)
        weights = np.array([len(_TOKEN.findall(text)) for text in blocks.texts], dtype=float)
        site = urlsplit(url or "").hostname or key
        pages.append(
            Page(
                key,
                site,
                gold,
                blocks,
                title,
                page_features(blocks, title),
                extra,
                labels,
                np.sqrt(weights + 1),
                reference,
                kind,
            )
        )
    return pages


def site_folds(pages: list[Page], folds: int) -> list[int]:
    """Fold number of every page: sites are dealt round-robin, so one site's pages share a fold."""
    sites = sorted({page.site for page in pages})
    fold_of_site = {site: index % folds for index, site in enumerate(sites)}
    return [fold_of_site[page.site] for page in pages]


def fit_stage(rows: np.ndarray, labels: np.ndarray, weights: np.ndarray, names: tuple[str, ...]) -> LogisticStage:
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=REGULARISATION, max_iter=2000)
    model.fit((rows - mean) / scale, labels >= 0.5, sample_weight=weights)
    return LogisticStage(names, mean, scale, model.coef_[0], float(model.intercept_[0]))


def _rows(page: Page) -> np.ndarray:
    return np.hstack((page.features.rows, page.extra))


def fit_model(pages: list[Page], extra_names: tuple[str, ...], passes: int, inner_folds: int = 5) -> BlockModel:
    """Pass 1 on all pages; each later pass on the previous passes' probabilities predicted out-of-fold (by models
    fitted without the page's site), as they will be on new pages."""
    names = (*BASE_FEATURES, *extra_names)
    stack = np.concatenate
    labels = stack([p.labels for p in pages])
    weights = stack([p.weights for p in pages])
    if passes == 1:
        first = fit_stage(stack([_rows(p) for p in pages]), labels, weights, names)
        return BlockModel((first,), threshold=0.5, extra=extra_names)
    earlier = fit_model(pages, extra_names, passes - 1, inner_folds)
    folds = site_folds(pages, inner_folds)
    context: list[np.ndarray] = [np.zeros(0)] * len(pages)
    for fold in range(inner_folds):
        inner = fit_model([p for p, f in zip(pages, folds, strict=True) if f != fold], extra_names, passes - 1)
        for index, page in enumerate(pages):
            if folds[index] == fold:
                context[index] = make_context(inner.probabilities(page.features, page.extra), page.features)
    last_rows = stack([np.hstack((_rows(p), c)) for p, c in zip(pages, context, strict=True)])
    last = fit_stage(last_rows, labels, weights, (*names, *CONTEXT_FEATURES))
    return BlockModel((*earlier.passes, last), threshold=0.5, extra=extra_names)


Thresholds = tuple[float, float | None]  # keep threshold, and the one for blocks the anchor kept (HTML)


def page_text(page: Page, probabilities: np.ndarray, thresholds: Thresholds) -> str:
    """What the cleaner keeps of the page with these probabilities. A text dump goes the product's whole way: the
    span checks (`span.py`) after the model's vote, and no furniture line in the body (as `clean_dump` and the
    text cleaner do); an HTML page is the block model's choice alone."""
    rule = BlockModel((), thresholds[0], anchor_threshold=thresholds[1])
    keep = rule.keep(probabilities, page.extra)
    if page.kind != "text":
        return "\n".join(select_blocks(page.blocks, keep, page.title).body)
    keep = refine_keep(page.blocks, page.features, keep, page.title)
    body = select_blocks(page.blocks, keep, page.title).body
    return "\n".join(line for line in body if not is_furniture_line(line))


def evaluate(pages: list[Page], probabilities: list[np.ndarray], thresholds: Thresholds) -> tuple[float, float, float]:
    score = score_corpus(
        score_page(p.gold, page_text(p, prob, thresholds)) for p, prob in zip(pages, probabilities, strict=True)
    )
    return score.precision, score.recall, score.f1


def cross_validate(pages: list[Page], extra: tuple[str, ...], folds: int, passes: int) -> list[np.ndarray]:
    """Out-of-fold probabilities for every page, site-grouped folds."""
    assignment = site_folds(pages, folds)
    out: list[np.ndarray] = [np.zeros(0)] * len(pages)
    for fold in range(folds):
        model = fit_model([p for p, f in zip(pages, assignment, strict=True) if f != fold], extra, passes)
        for index, page in enumerate(pages):
            if assignment[index] == fold:
                out[index] = model.probabilities(page.features, page.extra)
    return out


def train(
    kind: str, data: Path, folds: int, passes: int, path: Path | None, baseline: Callable[[Page], str] | None
) -> dict[str, object]:
    """Cross-validate, print the figures, and (unless `path` is None: cross-validation only) fit on every page and
    write the weights to `path`."""
    pages = load_pages(data, kind)
    extra = html_cleaning.EXTRA_FEATURES if kind == "html" else ()
    oof = cross_validate(pages, extra, folds, passes)
    grid: list[Thresholds] = [(float(t), None) for t in THRESHOLDS]
    if extra:
        grid = [(float(t), float(a)) for t in ADD_THRESHOLDS for a in ANCHOR_THRESHOLDS]
    by_threshold = {t: evaluate(pages, oof, t) for t in grid}
    threshold = max(by_threshold, key=lambda t: by_threshold[t][2])
    cv = by_threshold[threshold]
    report: dict[str, object] = {
        "pages": len(pages),
        "folds": folds,
        "passes": passes,
        "threshold": threshold[0],
        "anchor_threshold": threshold[1],
        "cv_precision": cv[0],
        "cv_recall": cv[1],
        "cv_f1": cv[2],
    }
    anchor = f", blocks trafilatura kept: {threshold[1]}" if threshold[1] is not None else ""
    print(f"{kind}: {len(pages)} pages, {folds} site-grouped folds, keep threshold {threshold[0]}{anchor}")
    assignment = site_folds(pages, folds)
    for fold in range(folds):
        members = [index for index, f in enumerate(assignment) if f == fold]
        if not members:
            continue
        held = [pages[i] for i in members]
        precision, recall, f1 = evaluate(held, [oof[i] for i in members], threshold)
        sites = len({page.site for page in held})
        print(f"  fold {fold:2d} ({len(held):2d} pages, {sites:2d} sites) P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")
    print(f"  cross-validated  P {cv[0]:.3f} R {cv[1]:.3f} F1 {cv[2]:.3f}  (pooled over the folds' pages)")
    for page, probabilities in zip(pages, oof, strict=True):
        score = score_page(page.gold, page_text(page, probabilities, threshold))
        if score.f1 < POOR_PAGE_F1:
            print(
                f"  page under F1 {POOR_PAGE_F1}: {page.key} ({page.site}) P {score.precision:.3f} R {score.recall:.3f}"
            )
    if baseline is not None:
        base = score_corpus(score_page(p.gold, baseline(p)) for p in pages)
        print(f"  baseline         P {base.precision:.3f} R {base.recall:.3f} F1 {base.f1:.3f}")
    if path is None:
        return report
    model = fit_model(pages, extra, passes)
    in_sample = evaluate(pages, [model.probabilities(p.features, p.extra) for p in pages], threshold)
    report["in_sample_f1"] = in_sample[2]
    print(f"  in-sample        P {in_sample[0]:.3f} R {in_sample[1]:.3f} F1 {in_sample[2]:.3f}")
    info = {key: round(value, 4) if isinstance(value, float) else value for key, value in report.items()}
    BlockModel(model.passes, threshold[0], extra, info, threshold[1]).save(path)
    print(f"  wrote {path}")
    return report


def output_folder(out: Path | None, cv_only: bool) -> Path | None:
    """Where the weights go: nowhere with --cv-only, --out when given, else a new temporary folder (never the
    shipped weights unless --out names their folder)."""
    if cv_only:
        return None
    if out is None:
        return Path(tempfile.mkdtemp(prefix="briefing-cleaner-"))
    out.mkdir(parents=True, exist_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/extraction"))
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--kind", choices=("text", "html", "both"), default="both")
    parser.add_argument("--passes", type=int, default=PASSES, help="model passes (1: no context pass)")
    parser.add_argument("--cv-only", action="store_true", help="print the cross-validated figures, write nothing")
    parser.add_argument(
        "--out", type=Path, help="folder for the weights (default: a new temporary one; briefing/clean: the shipped)"
    )
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").exists():
        print(f"no ground-truth.json under {args.data}", file=sys.stderr)
        return 1
    folder = output_folder(args.out, args.cv_only)
    if folder is not None:
        print(f"weights go to {folder}")
    if args.kind in ("text", "both"):
        path = None if folder is None else folder / DUMP_MODEL_PATH.name
        train("text", args.data, args.folds, args.passes, path, lambda p: "\n".join(p.blocks.texts))
    if args.kind in ("html", "both"):
        path = None if folder is None else folder / HTML_MODEL_PATH.name
        train("html", args.data, args.folds, args.passes, path, html_cleaning.trafilatura_text_of)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
