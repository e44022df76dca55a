#!/usr/bin/env bash
# Install the app into .venv (first time only) and start it: bash scripts/run.sh [streamlit args]
source "$(dirname "$0")/_venv.sh" requirements.txt
python -m academy db upgrade
exec streamlit run app.py "$@"
