"""The jobs the tick runs, in the order it runs them."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk import WebClient

from domain.capture import REPLICA
from handlers.deps import Deps
from scheduler.digests import DigestJob
from scheduler.nudges import ReviewNudgeJob
from scheduler.runner import Job

# A digest or reminder missed by downtime is still posted this long after
# its time; a nudge due longer ago than this no longer applies.
DEFAULT_CATCH_UP = timedelta(hours=24)
# A claim not posted after this long belongs to a process that died: another
# one takes it over. Longer than any post can take with Slack's retries.
DEFAULT_CLAIM_TIMEOUT = timedelta(minutes=10)


def build_jobs(
    deps: Deps,
    client: WebClient,
    *,
    catch_up: timedelta = DEFAULT_CATCH_UP,
    claim_timeout: timedelta = DEFAULT_CLAIM_TIMEOUT,
    replica: str = REPLICA,
) -> list[Job]:
    """Every scheduled job, bound to the database and the Slack client."""
    options = {"catch_up": catch_up, "claim_timeout": claim_timeout, "replica": replica}
    return [
        ReviewNudgeJob(deps, client, **options),
        DigestJob(deps, client, **options),
    ]
