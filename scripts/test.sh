#!/usr/bin/env bash
# Install the test tools into .venv (first time only) and run every check: bash scripts/test.sh [pytest args]
source "$(dirname "$0")/_venv.sh" requirements-dev.txt
ruff check .
ruff format --check .
mypy  # academy/, as configured in pyproject.toml
python -m academy validate
# Course review: every finding printed; an error (a flaw that lets scores be gamed) fails the run.
python -m academy review
# Originality: no run of eight words (or eight but one) copied from the source articles. The
# checker lives in the shared folder beside the checkout (as in CI); a clone without it skips this.
originality="../shared/tools/check_originality.py"
if [ -f "$originality" ]; then python "$originality" .; else echo "originality check skipped: $originality not found"; fi
# Unit, store and page tests in parallel; then the browser journeys alone, so a busy CPU cannot starve them.
# (exit code 5 means "no test selected", e.g. when only some files are asked for)
python -m pytest -n 2 --dist loadfile -m "not e2e" "$@" || [ $? -eq 5 ]
python -m pytest -m e2e "$@" || [ $? -eq 5 ]
