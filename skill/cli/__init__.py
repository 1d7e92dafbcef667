"""The `hipcoach` command line: routines, script, serve, chat, render."""
