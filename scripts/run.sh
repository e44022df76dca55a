#!/usr/bin/env bash
# Install the app into .venv (first time only) and start it: bash scripts/run.sh [--demo] [streamlit args]
# --demo first fills an empty database with a demo organisation and prints its accounts.
source "$(dirname "$0")/_venv.sh" requirements.txt
python -m academy db upgrade
if [ "${1:-}" = "--demo" ]; then
  shift
  python -m academy demo || echo "(the database already has accounts: demo data not added)"
fi
exec streamlit run app.py "$@"
