"""Thin ASK SDK handlers, one file per feature; `registry.build_handlers` orders them."""
