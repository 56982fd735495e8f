"""The `/pir metrics` answer: each figure with the counts behind it."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from domain.metrics import (
    REVIEW_WINDOW,
    ActionItemFigures,
    Completion,
    MetricsReport,
    Repeats,
    ReviewTimes,
    Spread,
)
from domain.slack_text import counted
from domain.timeline import format_duration

NO_FIGURE = "no figure yet"


def _percent(rate: float | None) -> str:
    return NO_FIGURE if rate is None else f"{rate * 100:.0f}%"


def _completion_line(figure: Completion) -> str:
    line = f"• {figure.severity}: "
    if figure.due:
        line += f"{_percent(figure.rate)} ({figure.reviewed} of {figure.due} due)"
    else:
        line += "no review due"
    if figure.target is not None:
        mark = {True: " :white_check_mark:", False: " :warning:"}.get(
            figure.meets_target, ""
        )
        line += f", target {figure.target * 100:.0f}%{mark}"
    extra = []
    if figure.not_yet_due:
        extra.append(f"{figure.not_yet_due} not yet due")
    if figure.still_open:
        extra.append(f"{figure.still_open} still open")
    if extra:
        line += f"; {', '.join(extra)}"
    return line


def _action_items_text(items: ActionItemFigures) -> str:
    if items.due:
        text = (
            f"{_percent(items.rate)} ({items.on_time} of "
            f"{counted(items.due, 'item')} due in the period)"
            f"\n{counted(items.open_past_deadline, 'item')} open past deadline"
            f", {items.done_late} done late"
        )
    else:
        text = "No action item fell due in the period"
    if items.without_deadline:
        text += f"; {items.without_deadline} created without a deadline"
    return text


def _repeats_text(repeats: Repeats) -> str:
    if not repeats.with_category:
        text = "No incident has a root-cause category yet"
    else:
        text = (
            f"{_percent(repeats.rate)} ({repeats.repeats} of "
            f"{repeats.with_category} with a root-cause category)"
        )
    if repeats.without_category:
        text += f"; {repeats.without_category} without a category yet"
    return text


def _hours(value: timedelta | None) -> str:
    return "—" if value is None else f"{value / timedelta(hours=1):.1f} h"


def _spread_text(spread: Spread, *, of: str, show=format_duration) -> str:
    if not spread.count:
        return NO_FIGURE
    return (
        f"median {show(spread.median)}, 90th percentile {show(spread.p90)} "
        f"over {counted(spread.count, of)}"
    )


def _review_times_text(times: ReviewTimes) -> str:
    window = int(REVIEW_WINDOW / timedelta(hours=1))
    text = _spread_text(times.spread, of="review", show=_hours)
    if times.due_resolved:
        text += (
            f"\n{_percent(times.share_within_window)} within {window} h "
            f"({times.within_window} of {times.due_resolved} due)"
        )
    return text


def _section(title: str, body: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=f"*{title}*\n{body}"))


def build_metrics_message(report: MetricsReport, *, timezone: str) -> tuple[str, list]:
    """(fallback text, blocks), dates in the reader's `timezone`."""
    zone = ZoneInfo(timezone)
    period = report.period
    span = (
        f"{period.since.astimezone(zone):%Y-%m-%d %H:%M} to "
        f"{period.until.astimezone(zone):%Y-%m-%d %H:%M} ({timezone})"
    )
    declared = counted(report.incidents, "incident")
    if not report.incidents:
        declared = "No incidents"
    ack, resolve = report.time_to_acknowledge, report.time_to_resolve
    blocks = [
        HeaderBlock(text=f"Review metrics, {period.label}"),
        ContextBlock(
            elements=[MarkdownTextObject(text=f"{declared} declared from {span}")]
        ),
        _section(
            "Reviews held",
            "\n".join(_completion_line(figure) for figure in report.completion),
        ),
        _section(
            "Action items done by their deadline",
            _action_items_text(report.action_items),
        ),
        _section("Repeat incidents", _repeats_text(report.repeats)),
        _section(
            "Time from resolution to review", _review_times_text(report.time_to_review)
        ),
        _section(
            "Time to acknowledge",
            _spread_text(ack, of="incident")
            + (f"; {ack.missing} without an acknowledgement" if ack.missing else ""),
        ),
        _section(
            "Time to resolve",
            _spread_text(resolve, of="incident")
            + (f"; {resolve.missing} not resolved" if resolve.missing else ""),
        ),
    ]
    text = f"Review metrics, {period.label}: {declared.lower()} declared"
    return text, [block.to_dict() for block in blocks]
