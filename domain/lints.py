"""Checks that teach: vague action items and blaming language.

Both are small rule sets over plain text. A vague action item is flagged
(the facilitator may keep it anyway, and the document then says so); blaming
language only ever gets a hint with a system-framed way to say the same
thing. Each finding carries the reason in words a facilitator can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXAMPLE_SPECIFIC_ITEM = "add a health check for the payments endpoint every 30 seconds"


@dataclass(frozen=True)
class Finding:
    """One thing a check noticed: why, and what to write instead."""

    rule: str
    reason: str
    suggestion: str


# --- Vague action items -------------------------------------------------------

# Verbs that name an activity rather than a deliverable: "improve monitoring"
# can never be ticked off. Each is vague unless a concrete measure follows.
_ACTIVITY_VERBS = (
    r"improve|enhance|investigate|look into|look at|review|reconsider|consider"
    r"|explore|revisit|address|work on|think about|discuss|evaluate|assess"
    r"|optimi[sz]e|streamline|strengthen|tighten|clean up|follow up on"
    r"|make sure|ensure|try to|keep an eye on|be aware of|get better at"
    r"|fix|handle|deal with|sort out|prevent"
)
_ACTIVITY = re.compile(
    rf"^\s*(?:we\s+(?:should|need to|must|will)\s+)?({_ACTIVITY_VERBS})\b", re.I
)

# Words that promise a direction but no end point.
_VAGUE_WORDS = re.compile(
    r"\b(better|more|less|careful(?:ly)?|proper(?:ly)?|appropriate(?:ly)?"
    r"|robust|adequate(?:ly)?|sufficient(?:ly)?|as needed|where possible"
    r"|if possible|asap|somehow|etc|in general|generally|various|stuff)\b",
    re.I,
)
_BE_CAREFUL = re.compile(r"\bbe (?:more )?(careful|vigilant|mindful|aware)\b", re.I)

# An object that names nothing in particular, right after the verb ("look
# into it", "fix the problem"), or a promise with no object at all.
_NO_TARGET = re.compile(
    r"^\s*\w+(?:\s+(?:into|up|on|out|at|sure|with))?\s+"
    r"(it|this|that|things|stuff|everything|the issue|the problem)\b"
    r"|\b((?:does not|doesn't|won't|never) happens? again)\b",
    re.I,
)

# What makes an item checkable: a number, a unit, a named thing in code
# quotes, a path or a file name.
_MEASURE = re.compile(
    r"\d|%|\b(seconds?|minutes?|hours?|days?|weeks?|ms|per cent|percent)\b"
    r"|`[^`]+`|/\w|\w\.\w{2,}\b"
)
_MIN_WORDS = 4


def check_action_item(text: str) -> list[Finding]:
    """Why `text` would make a weak action item (empty when it is specific).

    An item is specific when someone can tell, on its deadline, whether it
    was done: it names a deliverable and, for activity verbs such as
    "improve" or "investigate", a measure or a named target.
    """
    plain = " ".join(text.split())
    measurable = bool(_MEASURE.search(plain))
    findings: list[Finding] = []
    example = f"e.g. “{EXAMPLE_SPECIFIC_ITEM}”."

    if len(plain.split()) < _MIN_WORDS:
        findings.append(
            Finding(
                "too_short",
                "It is too short to say what will exist when it is done.",
                f"Name the deliverable and its target, {example}",
            )
        )
    activity = _ACTIVITY.match(plain)
    if activity and not measurable:
        findings.append(
            Finding(
                "activity_without_target",
                f"“{activity.group(1)}” names an activity, not a result: "
                "nobody can tell when it is finished.",
                f"Say what will change and how you will see it, {example}",
            )
        )
    no_target = _NO_TARGET.search(plain)
    if no_target and not measurable:
        findings.append(
            Finding(
                "missing_target",
                f"“{no_target.group(1) or no_target.group(2)}” does not say "
                "which system or check this is about.",
                f"Name the component and the change, {example}",
            )
        )
    if _BE_CAREFUL.search(plain):
        findings.append(
            Finding(
                "asks_people_to_try_harder",
                "Asking people to be careful does not change the system; "
                "the next person will be just as busy.",
                "Change a tool or a check instead, e.g. “require a second "
                "approval for deploys that touch the WAF rules”.",
            )
        )
    vague = _VAGUE_WORDS.search(plain)
    if vague and not measurable:
        findings.append(
            Finding(
                "vague_word",
                f"“{vague.group(1)}” has no end point: how much is enough?",
                "Give a number or a named check, e.g. “alert when p99 "
                "latency of checkout exceeds 800 ms for 5 minutes”.",
            )
        )
    return findings


# --- Blaming language ---------------------------------------------------------

_PERSON = (
    r"(?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>|@[\w.-]+"
    r"|\b(?:he|she|they|someone|somebody|the (?:engineer|developer|on-?call))\b)"
)
_BLAME_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "human_error",
        re.compile(r"\b(human|operator|user|engineer|developer|pilot)\s+error\b", re.I),
        "“Human error” ends the inquiry where it should start. Ask what made "
        "the action easy to get wrong, e.g. “the deploy tool accepted a config "
        "that had not been validated”.",
    ),
    (
        "should_have",
        re.compile(
            r"\b(should|could|would) have (known|noticed|checked|seen|caught"
            r"|tested|asked|waited)\b",
            re.I,
        ),
        "Hindsight makes the signal look obvious. Describe what people saw at "
        "the time, e.g. “the alert looked like a known flaky check”.",
    ),
    (
        "character",
        re.compile(
            r"\b(careless(?:ly|ness)?|negligen(?:t|ce)|lazy|sloppy|reckless"
            r"|incompetent|stupid|clumsy|inattentive)\b",
            re.I,
        ),
        "A judgement of character explains nothing a system can fix. Say what "
        "happened and what the tooling allowed, e.g. “the runbook step was "
        "easy to skip because nothing checked it”.",
    ),
    (
        "fault",
        re.compile(
            r"\b(fault|to blame|blamed?|screwed up|messed up|dropped the ball)\b"
            r"|\w+'s mistake\b",
            re.I,
        ),
        "Fault points at a person. Name the condition instead, e.g. “two "
        "changes to the same config were deployed within a minute”.",
    ),
    (
        "person_caused",
        re.compile(
            rf"{_PERSON}\s+(?:\w+\s+)?(pushed|broke|deployed|caused|forgot"
            r"|missed|ignored|failed to|didn't|did not|neglected|skipped"
            r"|deleted|ran)\b",
            re.I,
        ),
        "Making a person the subject makes them the cause. Make the system the "
        "subject, e.g. “a deploy shipped a bad config because the pipeline "
        "had no validation step”.",
    ),
    (
        "be_more_careful",
        re.compile(
            r"\b(should|must|needs? to|has to|have to|ought to) (?:be|have been) "
            r"more (careful|vigilant|attentive|mindful|diligent|cautious)\b",
            re.I,
        ),
        "Asking someone to be more careful leaves the trap for the next "
        "person. Name the safeguard, e.g. “the deploy tool asks for a second "
        "review of config changes”.",
    ),
    (
        "failed_to_follow",
        re.compile(
            r"\b(failed|forgot|neglected|didn'?t bother) to (follow|check|test"
            r"|read|run|verify|notice)\b|\bdid(?:n't| not) follow (the )?"
            r"(process|procedure|runbook)\b",
            re.I,
        ),
        "“Failed to follow” hides why the process was hard to follow. Ask what "
        "got in the way, e.g. “the runbook was out of date for this service”.",
    ),
)


def check_blame(text: str) -> list[Finding]:
    """Hints for wording that makes a person the cause (a hint, never a block)."""
    plain = " ".join(text.split())
    findings = []
    for rule, pattern, suggestion in _BLAME_RULES:
        match = pattern.search(plain)
        if match:
            findings.append(
                Finding(
                    rule, f"“{match.group(0)}” makes a person the cause.", suggestion
                )
            )
    return findings
