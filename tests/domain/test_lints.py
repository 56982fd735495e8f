"""The checks that teach, against labelled examples.

Each vague example says which rule must catch it; each specific one must
pass untouched. The blame examples work the same way.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.lints import check_action_item, check_blame

VAGUE_ITEMS = [
    ("Improve monitoring", "activity_without_target"),
    ("be more careful with deploys", "asks_people_to_try_harder"),
    ("look into it", "activity_without_target"),
    ("Investigate the outage", "activity_without_target"),
    ("Review the deploy process", "activity_without_target"),
    ("Consider adding some alerts for the API gateway", "activity_without_target"),
    ("Make sure this does not happen again", "missing_target"),
    ("Ensure the database is robust", "activity_without_target"),
    ("Add more logging", "vague_word"),
    ("Write better documentation for the payments service", "vague_word"),
    ("Test changes more carefully before release", "vague_word"),
    ("Fix the problem", "missing_target"),
    ("Optimize performance of the checkout page", "activity_without_target"),
    ("Be aware of config drift in the edge fleet", "asks_people_to_try_harder"),
    ("Handle errors properly in the worker", "activity_without_target"),
    ("Monitoring", "too_short"),
    ("Alerting", "too_short"),
    ("Update docs", "too_short"),
    ("Explore options for a safer rollout process", "activity_without_target"),
    ("Think about capacity planning for the holiday season", "activity_without_target"),
    ("Discuss with the team how deploys should work", "activity_without_target"),
    ("We should improve our incident response", "activity_without_target"),
    ("Work on reducing noise in the pager", "activity_without_target"),
    ("Keep an eye on the replication lag", "activity_without_target"),
    ("Clean up the runbooks as needed", "activity_without_target"),
    ("Add appropriate timeouts to the HTTP client", "vague_word"),
    ("Deal with the flaky integration tests", "activity_without_target"),
    ("Document the rollback steps etc", "vague_word"),
    ("Strengthen access controls on the admin panel", "activity_without_target"),
    ("Prevent this in the future", "activity_without_target"),
    ("Sort out the alert routing for the database team", "activity_without_target"),
    ("Get better at communicating with customers", "activity_without_target"),
]

SPECIFIC_ITEMS = [
    "Add a health check for the payments endpoint every 30 seconds",
    "Re-introduce the per-regex CPU limit in the WAF; prove it with a runaway rule",
    "Page the database on-call when replication lag exceeds 30 seconds for 5 minutes",
    "Move the status page update into the incident declaration script",
    "Require a second approval for changes to `waf_rules.yaml`",
    "Switch WAF rule matching to the re2 engine",
    "Write a runbook for failing over the primary PostgreSQL cluster",
    "Delete the unused admin accounts listed in the access audit",
    "Rotate the leaked API keys and store them in Vault",
    "Cap the retry budget of the checkout client at 3 attempts",
    "Alert when the error rate of /api/checkout is above 2% for 5 minutes",
    "Schedule a quarterly drill of the emergency bypass for internal tools",
    "Enable staged rollouts for CDN config with a 10% canary",
    "Add a CI step that fails when a rule's CPU cost rises by 20%",
    "Publish the on-call rotation for the payments team in PagerDuty",
    "Investigate why p99 latency of search doubled after release 4.2",
    "Review all 3,868 WAF managed rules for catastrophic backtracking",
]


@pytest.mark.parametrize(("text", "rule"), VAGUE_ITEMS)
def test_vague_action_item_is_flagged_with_its_reason(text, rule) -> None:
    findings = check_action_item(text)
    assert rule in [finding.rule for finding in findings]
    assert all(finding.reason and finding.suggestion for finding in findings)


@pytest.mark.parametrize("text", SPECIFIC_ITEMS)
def test_specific_action_item_passes(text) -> None:
    assert check_action_item(text) == []


def test_a_vague_item_is_shown_a_specific_example() -> None:
    (finding, *_) = check_action_item("Improve monitoring")
    assert "health check for the payments endpoint every 30 seconds" in (
        finding.suggestion
    )


BLAMING = [
    ("<@U04BOB00002> pushed a bad deploy", "person_caused"),
    ("@bob pushed a bad deploy on Friday", "person_caused"),
    ("Root cause: human error", "human_error"),
    ("Operator error during the failover", "human_error"),
    ("The on-call should have known the alert was real", "should_have"),
    ("She should have checked the dashboard first", "should_have"),
    ("They could have noticed the disk filling up", "should_have"),
    ("A careless change to the firewall", "character"),
    ("Sloppy review of the pull request", "character"),
    ("The engineer was negligent with the credentials", "character"),
    ("It was Bob's fault", "fault"),
    ("Dave's mistake took the site down", "fault"),
    ("Nobody is to blame except the deployer", "fault"),
    ("The release manager messed up the config", "fault"),
    ("He forgot to run the migration", "person_caused"),
    ("Someone deleted the production bucket", "person_caused"),
    ("They ignored the warning in the deploy log", "person_caused"),
    ("The developer failed to test the edge case", "person_caused"),
    ("The on-call didn't follow the runbook", "person_caused"),
    ("Team failed to follow the process", "failed_to_follow"),
    ("Engineers forgot to check the replica", "failed_to_follow"),
    ("Reckless deploy on a Friday evening", "character"),
    ("A lazy copy-paste of the config", "character"),
    ("The SRE dropped the ball on the rollback", "fault"),
    ("Incompetent handling of the page", "character"),
    ("He should have waited for the canary", "should_have"),
    ("User error in the admin console", "human_error"),
    ("The intern messed up the DNS record", "fault"),
    ("@carol skipped the approval step", "person_caused"),
    ("Developers did not follow the procedure", "failed_to_follow"),
    ("Bob should be more careful", "be_more_careful"),
    ("The on-call needs to be more vigilant at night", "be_more_careful"),
    ("Reviewers should have been more diligent", "be_more_careful"),
]

SYSTEM_FRAMED = [
    "The deploy tool accepted a config that had not been validated",
    "A regular expression backtracked and exhausted CPU on every edge machine",
    "The runbook step was easy to skip because nothing checked it",
    "Two changes to the same config were deployed within a minute",
    "The alert looked like a known flaky check, so it was silenced",
    "The CPU guard for regular expressions had been removed in a refactor",
    "Credentials expired after 90 days without use",
    "The pipeline let a rule change reach every machine in one step",
    "Nothing limited how many retries the client could make",
    "The error budget policy did not cover internal tools",
]


@pytest.mark.parametrize(("text", "rule"), BLAMING)
def test_blaming_language_gets_a_system_framed_hint(text, rule) -> None:
    findings = check_blame(text)
    assert rule in [finding.rule for finding in findings]
    assert all("e.g." in finding.suggestion for finding in findings)


@pytest.mark.parametrize("text", SYSTEM_FRAMED)
def test_system_framed_text_gets_no_hint(text) -> None:
    assert check_blame(text) == []


@given(st.text(max_size=3000))
def test_checks_never_raise_on_any_text(text) -> None:
    assert isinstance(check_action_item(text), list)
    assert isinstance(check_blame(text), list)
