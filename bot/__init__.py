"""The composition root: settings, logging, the Bolt app, the servers, the
scheduler and the `pirbot` command line."""
