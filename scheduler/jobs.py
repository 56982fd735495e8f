"""The jobs the tick runs, in the order it runs them."""

from __future__ import annotations

from slack_sdk import WebClient

from handlers.deps import Deps
from scheduler.runner import Job


def build_jobs(deps: Deps, client: WebClient) -> list[Job]:
    """Every scheduled job, bound to the database and the Slack client.

    There is none yet: review nudges and action-item digests are the first
    jobs this tick will run.
    """
    return []
