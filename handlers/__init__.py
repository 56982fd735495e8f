"""Slack listeners, grouped by what a person does.

Each module ends with `register(app, deps)`. A listener acks at once, turns
the Slack payload into a plain call to the domain, and renders the answer.
"""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    action_items,
    add_to_timeline,
    capture,
    channel_activity,
    commands,
    declare,
    errors,
    home,
    review_card,
    review_sections,
    shape,
)
from handlers.deps import Deps


def register_all(app: App, deps: Deps) -> None:
    shape.register(app)
    errors.register(app, deps)
    home_tab = home.register(app, deps)
    card = review_card.register(app, deps)
    review_sections.register(app, deps, card, home_tab)
    commands.register(app, deps, card)
    capture.register(app, deps)
    add_to_timeline.register(app, deps)
    channel_activity.register(app, deps)
    declare.register(app, deps)
    action_items.register(app, deps, home_tab)
