"""`pirbot metrics` output: the figures as a table, JSON or CSV."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, fields
from datetime import UTC
from enum import StrEnum
from typing import TextIO

from domain.metrics import FigureRow, MetricsReport, figure_rows


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


_COLUMNS = [field.name for field in fields(FigureRow)]


def write_report(report: MetricsReport, fmt: OutputFormat, out: TextIO) -> None:
    rows = figure_rows(report)
    if fmt is OutputFormat.JSON:
        json.dump(_as_json(report, rows), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt is OutputFormat.CSV:
        writer = csv.DictWriter(out, fieldnames=_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(asdict(row) for row in rows)
    else:
        out.write(_table(report, rows))


def _as_json(report: MetricsReport, rows: list[FigureRow]) -> dict:
    period = report.period
    return {
        "period": {
            "since": period.since.isoformat(),
            "until": period.until.isoformat(),
            "label": period.label,
        },
        "incidents": report.incidents,
        "figures": [asdict(row) for row in rows],
    }


def _number(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}".removesuffix(".0") if isinstance(value, float) else str(value)
    if unit in ("", "items"):
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def _table(report: MetricsReport, rows: list[FigureRow]) -> str:
    period = report.period
    header = ["figure", "", "value", "count", "of", "target", "note"]
    lines = [
        [
            row.figure,
            row.scope,
            _number(row.value, row.unit),
            _number(row.count),
            _number(row.of),
            "" if row.target is None else _number(row.target, "%"),
            row.note,
        ]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(7)]

    def render(cells: list[str]) -> str:
        padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    title = (
        f"Review metrics, {period.label} "
        f"({period.since.astimezone(UTC):%Y-%m-%d %H:%M} to "
        f"{period.until.astimezone(UTC):%Y-%m-%d %H:%M} UTC): "
        f"{report.incidents} incident{'' if report.incidents == 1 else 's'} declared"
    )
    out = [title, "", render(header), render(["-" * w for w in widths])]
    out += [render(line) for line in lines]
    return "\n".join(out) + "\n"
