"""Adapters: the I/O edges (persistence, speech, storage), injected where the skill is built."""
