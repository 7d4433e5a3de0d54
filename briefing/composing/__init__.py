"""The compose stage's parts, in data-flow order: vectors -> entities -> grouping -> story summaries -> ranking ->
numbering (in `briefing.compose`), plus the history of earlier days and the provenance record."""
