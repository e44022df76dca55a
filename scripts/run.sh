#!/usr/bin/env bash
# Install the app into .venv (first time only), migrate the database and start the app:
#   bash scripts/run.sh [--demo] [streamlit options, e.g. --server.port 8600 --server.address 127.0.0.1]
# --demo (anywhere among the arguments) first fills an empty database with a demo organisation
# and prints its accounts; every other argument goes to `streamlit run app.py`.
source "$(dirname "$0")/_venv.sh" requirements.txt
demo=false
streamlit_args=()
for argument in "$@"; do
  if [ "$argument" = "--demo" ]; then
    demo=true
  else
    streamlit_args+=("$argument")
  fi
done
python -m academy db upgrade
if [ "$demo" = true ]; then
  python -m academy demo --no-start-hint || echo "(the database already has accounts: demo data not added)"
fi
exec streamlit run app.py "${streamlit_args[@]}"
