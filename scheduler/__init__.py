"""Scheduled work. The database is the source of truth: the scheduler only
wakes up every minute, asks the store what is due, claims it and posts it."""
