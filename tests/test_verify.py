"""`briefing verify`: a summary checked against its sources, from the command line, as a user drives it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app

runner = CliRunner()
CNN = Path(__file__).parent / "data" / "cnn_sample.jsonl"


@pytest.fixture(autouse=True)
def shared_encoder(monkeypatch: pytest.MonkeyPatch, embedded_encoder) -> None:
    """The CLI loads the encoder per run; tests share the session's copy."""
    monkeypatch.setattr("briefing.encoder.sentence_encoder.deferred_embedded_encoder", lambda *a, **k: embedded_encoder)


@pytest.fixture(scope="module")
def cnn() -> list[dict[str, str]]:
    return [json.loads(line) for line in CNN.read_text(encoding="utf-8").splitlines()]


INVENTED = "Jose Mourinho will be confirmed as Kilmarnock boss on Friday."


def write_records(path: Path, records: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


def test_records_are_checked_sentence_by_sentence_and_bad_records_skipped(tmp_path: Path, cnn):
    locke = cnn[0]
    records = write_records(
        tmp_path / "records.jsonl",
        [
            {"id": "locke", "article": locke["article"], "summary": locke["summary"] + "\n" + INVENTED},
            {
                "id": "two-sources",
                "sources": [cnn[1]["article"], locke["article"]],
                "summary": [INVENTED.replace("Jose Mourinho", "Gary Locke")],
            },
            {"id": "no-summary", "article": locke["article"]},
            {"id": "no-article", "summary": "Something happened."},
            "not json",
        ],
    )
    result = runner.invoke(app, ["verify", str(records), "--format", "json"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert [r["id"] for r in reports] == ["locke", "two-sources"]
    locke_report = reports[0]["sentences"]
    assert [s["text"] for s in locke_report] == [*locke["summary"].split("\n"), INVENTED]
    assert all(s["supported"] for s in locke_report[:3])
    assert all(set(s) == {"text", "supported", "reason", "score", "citations"} for s in locke_report)
    first = locke_report[0]["citations"][0]
    assert first["source"] == 1 and "Gary Locke will be confirmed" in first["text"]
    assert first["sentence"] == 1 and first["text"].endswith("until the end of the season.")  # the whole sentence
    invented = locke_report[3]
    assert not invented["supported"] and "Jose Mourinho" in invented["reason"] and invented["citations"] == []
    [moved] = reports[1]["sentences"]
    assert moved["supported"] and {c["source"] for c in moved["citations"]} == {2}  # the second source says it
    assert "records.jsonl:3 (id no-summary): no summary" in result.stderr
    assert "records.jsonl:4 (id no-article): no source text" in result.stderr
    assert "records.jsonl:5: not a JSON object" in result.stderr


def test_markdown_marks_each_unsupported_sentence_with_its_reason(tmp_path: Path, cnn):
    article = tmp_path / "article.txt"
    article.write_text(cnn[0]["article"], encoding="utf-8")
    summary = "Gary Locke will be confirmed as Kilmarnock boss on Friday.\n- " + INVENTED + "\n"
    result = runner.invoke(app, ["verify", str(article), "--summary", "-"], input=summary)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "1 summary · 2 sentences · 1 unsupported" in lines
    assert "## stdin — 1 of 2 supported" in lines
    assert any(line.startswith("- Gary Locke will be confirmed") and "source 1: sentence 1" in line for line in lines)
    [flagged] = [line for line in lines if line.startswith("- **Unsupported:**")]
    assert "Jose Mourinho will be confirmed" in flagged and "name 'Jose Mourinho' not in article" in flagged


def test_a_markdown_summary_is_checked_claim_by_claim(tmp_path: Path, cnn):
    # What an LLM or a colleague hands in: a lead-in, a heading, a numbered list, a rule, a labelled line. Only the
    # claims are sentences; before, each marker, heading and label was one "unsupported" sentence of its own.
    article = tmp_path / "article.txt"
    article.write_text(cnn[0]["article"], encoding="utf-8")
    first, second, third = cnn[0]["summary"].split("\n")
    summary = tmp_path / "summary.md"
    summary.write_text(
        f"Here is a summary of the article:\n\n## Summary\n\n1. {first}\n2. **{second}**\n\n---\n\n"
        f"*Key points:* {third}\n- {INVENTED}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["verify", str(article), "--summary", str(summary), "--format", "json"])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert [s["text"] for s in report["sentences"]] == [first, second, third, INVENTED]
    assert [s["supported"] for s in report["sentences"]] == [True, True, True, False]


def test_records_of_evaluation_sets_are_read_under_their_own_field_names(tmp_path: Path, cnn):
    locke, other = cnn[0], cnn[1]
    first = locke["summary"].split("\n")[0]
    records = write_records(
        tmp_path / "sets.jsonl",
        [
            {"id": "hf-cnn", "article": locke["article"], "highlights": locke["summary"]},  # Hugging Face CNN/DM
            {"id": "xsum", "document": locke["article"], "summary": first},
            {"id": "factcc", "text": locke["article"], "claim": INVENTED},
            {"id": "multi-news", "articles": [other["article"], locke["article"]], "summary": first},
            {"ID": "upper", "Document": locke["article"], "Prediction": [first]},
        ],
    )
    result = runner.invoke(app, ["verify", str(records), "--format", "json"])
    assert result.exit_code == 0, result.output
    reports = {r["id"]: r["sentences"] for r in json.loads(result.stdout)}
    assert list(reports) == ["hf-cnn", "xsum", "factcc", "multi-news", "upper"]
    assert [s["text"] for s in reports["hf-cnn"]] == locke["summary"].split("\n")
    assert [(s["text"], s["supported"]) for s in reports["factcc"]] == [(INVENTED, False)]
    assert reports["multi-news"][0]["supported"] and reports["multi-news"][0]["citations"][0]["source"] == 2
    assert reports["upper"][0]["supported"] and reports["xsum"][0]["supported"]


def test_jsonl_writes_one_report_per_line(tmp_path: Path, cnn):
    records = write_records(
        tmp_path / "r.jsonl",
        [{"id": str(i), "article": c["article"], "summary": c["summary"]} for i, c in enumerate(cnn[:2])],
    )
    result = runner.invoke(app, ["verify", str(records), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["0", "1"]


def test_nothing_to_check_against_is_one_line_and_exit_1(tmp_path: Path):
    summary = tmp_path / "summary.txt"
    summary.write_text("Something happened on Friday.\n", encoding="utf-8")
    result = runner.invoke(app, ["verify", str(tmp_path / "missing.txt"), "--summary", str(summary)])
    assert result.exit_code == 1
    assert "no article could be read" in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
