#!/usr/bin/env bash
# Install the test tools into .venv (first time only) and run every check: bash scripts/test.sh [pytest args]
source "$(dirname "$0")/_venv.sh" requirements-dev.txt
ruff check .
python -m academy validate
python -m pytest -n 2 --dist loadfile "$@"
