"""academy.settings: one place decides the database, the course folders and the secrets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from academy import settings
from academy.cli import main
from academy.store import resolve_url


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No environment settings, and the secrets files replaced by one under tmp_path."""
    for variable in (
        settings.DATABASE_URL_ENV,
        settings.LESSONS_DIR_ENV,
        settings.QUIZZES_DIR_ENV,
        settings.DB_POOL_SIZE_ENV,
    ):
        monkeypatch.delenv(variable, raising=False)
    secrets = tmp_path / "secrets.toml"
    monkeypatch.setattr(settings, "secrets_files", lambda: (tmp_path / "absent.toml", secrets))
    return secrets


def test_the_database_url_is_given_then_environment_then_secrets_then_default(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert settings.database_url() == settings.DEFAULT_DATABASE_URL
    clean.write_text('database_url = "sqlite:////tmp/from-secrets.db"\n', encoding="utf-8")
    assert settings.database_url() == "sqlite:////tmp/from-secrets.db"
    monkeypatch.setenv(settings.DATABASE_URL_ENV, "sqlite:////tmp/from-env.db")
    assert settings.database_url() == "sqlite:////tmp/from-env.db"
    assert settings.database_url("sqlite:////tmp/given.db") == "sqlite:////tmp/given.db"
    # The app hands Streamlit's secrets in instead of the files.
    monkeypatch.delenv(settings.DATABASE_URL_ENV)
    assert settings.database_url(secrets_given={"database_url": "sqlite:////tmp/st.db"}) == "sqlite:////tmp/st.db"
    assert settings.database_url(secrets_given={}) == settings.DEFAULT_DATABASE_URL


def test_secrets_are_read_only_when_the_environment_has_no_url(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    def reader() -> dict[str, str]:
        asked.append(1)
        return {"database_url": "sqlite:////tmp/st.db"}

    monkeypatch.setenv(settings.DATABASE_URL_ENV, "sqlite:////tmp/from-env.db")
    assert settings.database_url(secrets_given=reader) == "sqlite:////tmp/from-env.db"
    assert asked == []
    monkeypatch.delenv(settings.DATABASE_URL_ENV)
    assert settings.database_url(secrets_given=reader) == "sqlite:////tmp/st.db"
    assert asked == [1]


def test_the_pool_size_is_a_setting_checked_for_sense(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.db_pool_size() == settings.DEFAULT_DB_POOL_SIZE
    clean.write_text("db_pool_size = 8\n", encoding="utf-8")
    assert settings.db_pool_size() == 8
    monkeypatch.setenv(settings.DB_POOL_SIZE_ENV, "40")
    assert settings.db_pool_size() == 40
    for wrong in ("0", "many", "-3", "100000"):
        monkeypatch.setenv(settings.DB_POOL_SIZE_ENV, wrong)
        with pytest.raises(settings.SettingsError, match="ACADEMY_DB_POOL_SIZE must be a whole number"):
            settings.db_pool_size()


def test_the_store_and_the_cli_see_the_secrets_file(clean: Path, tmp_path: Path) -> None:
    clean.write_text(f'database_url = "sqlite:///{tmp_path}/secret.db"\n', encoding="utf-8")

    assert resolve_url().database == f"{tmp_path}/secret.db"
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "secret.db").exists()


def test_a_changed_secrets_file_is_read_again(clean: Path) -> None:
    clean.write_text('database_url = "sqlite:////tmp/one.db"\n', encoding="utf-8")
    assert settings.database_url() == "sqlite:////tmp/one.db"
    clean.write_text('database_url = "sqlite:////tmp/second.db"\n', encoding="utf-8")
    assert settings.database_url() == "sqlite:////tmp/second.db"


def test_a_broken_secrets_file_is_named_in_one_line(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean.write_text("database_url = \n", encoding="utf-8")

    with pytest.raises(settings.SettingsError, match=r"secrets\.toml: cannot read the secrets"):
        settings.database_url()
    assert main(["users", "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "secrets.toml" in err


def test_course_folders_come_from_the_environment(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.lessons_dir() == settings.PROJECT_ROOT / "lessons"
    assert settings.quizzes_dir() == settings.PROJECT_ROOT / "quizzes"
    monkeypatch.setenv(settings.LESSONS_DIR_ENV, "/srv/course/lessons")
    monkeypatch.setenv(settings.QUIZZES_DIR_ENV, "  ")  # blank is unset
    assert settings.lessons_dir() == Path("/srv/course/lessons")
    assert settings.quizzes_dir() == settings.PROJECT_ROOT / "quizzes"


def test_validate_and_course_doc_read_the_configured_folders(
    clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lessons, quizzes = tmp_path / "lessons", tmp_path / "quizzes"
    lessons.mkdir()
    quizzes.mkdir()
    shutil.copy(settings.DEFAULT_LESSONS_DIR / "orientation.yaml", lessons)
    shutil.copy(settings.DEFAULT_QUIZZES_DIR / "orientation.yaml", quizzes)
    monkeypatch.setenv(settings.LESSONS_DIR_ENV, str(lessons))
    monkeypatch.setenv(settings.QUIZZES_DIR_ENV, str(quizzes))
    monkeypatch.setenv(settings.PATHS_DIR_ENV, str(tmp_path / "paths"))  # the shipped paths name other modules

    assert main(["validate"]) == 0
    validated = capsys.readouterr().out
    assert main(["course-doc"]) == 0
    document = capsys.readouterr().out

    assert [line.split(":")[0] for line in validated.splitlines()] == ["ok    orientation"]
    assert "ten-minute tour" in document
    assert "Winning back" not in document
