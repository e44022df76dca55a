"""The project root: the folder holding ``lessons/``, ``quizzes/`` and ``progress/``.

Run from a checkout (``python -m academy``, ``streamlit run app.py`` or an editable install) it
is that checkout, wherever the command is started. An installed copy (``pip install .``) lives in
site-packages, next to no course, so there the root is ``$ACADEMY_HOME`` if set, else the working
directory (the container image runs from its copy of the checkout).
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "ACADEMY_HOME"
_PACKAGE_PARENT = Path(__file__).resolve().parents[1]


def project_root() -> Path:
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser().resolve()
    if (_PACKAGE_PARENT / "lessons").is_dir():
        return _PACKAGE_PARENT
    return Path.cwd()


PROJECT_ROOT = project_root()
