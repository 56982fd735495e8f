"""The database: SQLModel tables, sessions, queries and Alembic migrations.

Nothing outside this package writes SQL, and nothing inside it calls Slack.
Callers import the modules as namespaces (`from store import incidents`).
"""
