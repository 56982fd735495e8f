"""Example incidents that `pirbot demo` replays."""
