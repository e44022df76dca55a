"""The progress store: accounts, teams, learner progress and the learning-record log.

Pages, reports and the CLI use only what this package exports: ``open_store()`` gives
a ``Store`` whose methods return frozen dataclasses. SQLite by default
(progress/academy.db), PostgreSQL when ``ACADEMY_DATABASE_URL`` says so (see academy.settings).
"""

from academy.auth import (
    AccountError,
    AlreadySetUpError,
    AuthResult,
    LastAdminError,
    Role,
    SessionInfo,
    SessionPolicy,
    SignedIn,
    Team,
    UnknownUserError,
    User,
    UserExistsError,
)
from academy.settings import DATABASE_URL_ENV as ENV_VAR
from academy.settings import DEFAULT_DATABASE_URL as DEFAULT_URL
from academy.store.accounts import NewAccount
from academy.store.analysis import Rows
from academy.store.config import resolve_url
from academy.store.exports import jsonable
from academy.store.model import (
    Answer,
    AnswerRow,
    Attempt,
    AttemptClosedError,
    AttemptLimitError,
    ChoiceRow,
    DatabaseUrlError,
    InvalidActionError,
    LearningRecord,
    LessonProgress,
    ModuleRule,
    ModuleSummary,
    NotFoundError,
    QuizGrade,
    Run,
    RunChoice,
    RunClosedError,
    RunEnding,
    SavedAnswer,
    SavedChoice,
    Status,
    StoreBusyError,
    StoreError,
    Verb,
)
from academy.store.programme import (
    Assignment,
    AssignmentEvent,
    Certificate,
    Coverage,
    NewCertificate,
    format_code,
    normalise_code,
)
from academy.store.repository import Store, open_store

__all__ = [
    "DEFAULT_URL",
    "ENV_VAR",
    "AccountError",
    "AlreadySetUpError",
    "Answer",
    "AnswerRow",
    "Assignment",
    "AssignmentEvent",
    "Attempt",
    "AttemptClosedError",
    "AttemptLimitError",
    "AuthResult",
    "Certificate",
    "ChoiceRow",
    "Coverage",
    "DatabaseUrlError",
    "InvalidActionError",
    "LastAdminError",
    "LearningRecord",
    "LessonProgress",
    "ModuleRule",
    "ModuleSummary",
    "NewAccount",
    "NewCertificate",
    "NotFoundError",
    "QuizGrade",
    "Role",
    "Rows",
    "Run",
    "RunChoice",
    "RunClosedError",
    "RunEnding",
    "SavedAnswer",
    "SavedChoice",
    "SessionInfo",
    "SessionPolicy",
    "SignedIn",
    "Status",
    "Store",
    "StoreBusyError",
    "StoreError",
    "Team",
    "UnknownUserError",
    "User",
    "UserExistsError",
    "Verb",
    "format_code",
    "jsonable",
    "normalise_code",
    "open_store",
    "resolve_url",
]
