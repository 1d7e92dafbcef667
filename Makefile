# The two front-door commands (see README): `make serve` and `make test`.
# Both run scripts/bootstrap.sh first, which installs everything they need.
.PHONY: serve test lint chat bootstrap

bootstrap:
	@scripts/bootstrap.sh

serve: bootstrap
	.venv/bin/hipcoach serve

chat: bootstrap
	.venv/bin/hipcoach chat

lint: bootstrap
	.venv/bin/ruff check .
	.venv/bin/mypy

test: bootstrap lint
	.venv/bin/python -m pytest
