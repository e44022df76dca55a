"""Users (administrators only): add learners, managers and administrators; disable; reset passwords; teams."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from academy import auth, roster
from academy.auth import AccountError, Role, Team, User
from academy.ui import first_steps, navigation, session, words
from academy.ui.navigation import ADMINS, PageSpec
from academy.ui.signin import MIN_PASSWORD, create_account, password_problem
from academy.ui.text import plain

URL = "users"
TABLE_LIMIT = 500
ADD, IMPORT, MANAGE, EVERYONE = "Add a user", "Import a roster", "Manage a user", "All users"
SECTIONS = {
    ADD: ":material/person_add:",
    IMPORT: ":material/upload_file:",
    MANAGE: ":material/manage_accounts:",
    EVERYONE: ":material/group:",
}
GENERATED_KEY = "roster-generated-passwords"
ROLE_LABELS = {Role.LEARNER: "Learner", Role.MANAGER: "Manager", Role.ADMIN: "Administrator"}
# A new key for the Add-user form after each account made, so the next one starts from empty fields
# (and the last password is never reused by accident); the confirmation survives the rerun.
FORM_ROUND, ADDED = "add-user-round", "add-user-added"
NO_TEAMS = "No teams yet: create one under Teams"


def render() -> None:
    admin = session.require_role(ADMINS)
    navigation.title(URL)
    first_steps.panel()
    teams = session.store().list_teams()
    # One section per run (tabs would run all three, and the full list is the slow one).
    section = st.segmented_control(
        "Section",
        list(SECTIONS),
        default=ADD,
        format_func=lambda name: f"{SECTIONS[name]} {name}",
        key="users-section",
        label_visibility="collapsed",
    )
    if section == MANAGE:
        _manage_user(admin, teams)
    elif section == EVERYONE:
        _user_table()
    elif section == IMPORT:
        _import_roster()
    else:
        _add_user(teams)


def _add_user(teams: list[Team]) -> None:
    team_names = [team.name for team in teams]
    # Messages go above the form, where they are seen without scrolling.
    message = st.empty()
    added = st.session_state.pop(ADDED, None)
    if added:
        message.success(added, icon=":material/check:")
    form_round = st.session_state.get(FORM_ROUND, 0)
    with st.form(f"add-user-{form_round}", clear_on_submit=False):
        username = st.text_input("Username", help="Letters, digits, '.', '_', '@', '+' or '-'.")
        display_name = st.text_input("Display name (optional)")
        role = st.selectbox("Role", list(Role), format_func=lambda r: ROLE_LABELS[r])
        password = st.text_input(
            "Password", type="password", help=f"At least {MIN_PASSWORD} characters.", autocomplete="new-password"
        )
        confirmation = st.text_input("Repeat the password", type="password", autocomplete="new-password")
        no_teams = NO_TEAMS if not team_names else None
        member_of = st.multiselect("Member of teams", team_names, placeholder=no_teams)
        manages = st.multiselect(
            "Manages teams",
            team_names,
            help="For managers: the teams whose progress they see.",
            placeholder=no_teams,
        )
        submitted = st.form_submit_button("Add user", type="primary", icon=":material/person_add:")
    if not submitted or role is None:  # a selectbox with options always has a choice
        return
    with message.container():
        user = create_account(username, password, confirmation, display_name=display_name, role=role or Role.LEARNER)
    if user is None:
        return
    store = session.store()
    by_name = {team.name: team for team in teams}
    for name in member_of:
        store.add_member(by_name[name].id, user.id)
    for name in manages:
        store.add_member(by_name[name].id, user.id, manager=True)
    teams_note = f", in {', '.join(plain(name) for name in member_of)}" if member_of else ""
    st.session_state[ADDED] = f"Added {plain(user.username)} ({ROLE_LABELS[user.role].lower()}{teams_note})."
    st.session_state[FORM_ROUND] = form_round + 1
    st.rerun()


def _import_roster() -> None:
    generated = st.session_state.get(GENERATED_KEY)
    if generated is not None:
        _hand_out_passwords(generated)
        return
    st.caption(
        "A CSV file with a header row: username (required), display_name, role, teams, manages, password; "
        "several teams separated by ';'. Every row is checked first: if any is wrong, nothing is imported. "
        "Rows without a password get a generated one, to download once after the import."
    )
    name, text = _uploaded_roster()
    if text is None:
        return
    store = session.store()
    entries, problems = roster.check_roster(text, {user.username for user in store.list_users()})
    if problems:
        st.error(
            f"Nothing can be imported from {plain(name)}: {words.count(len(problems), 'problem')}.",
            icon=":material/error:",
        )
        st.dataframe(
            pd.DataFrame({"Line": [p.line for p in problems], "Problem": [p.message for p in problems]}),
            hide_index=True,
            width="stretch",
        )
        return
    generated = roster.generated_passwords(entries)
    st.info(
        f"{words.count(len(entries), 'account')} ready to import from {plain(name)}; "
        f"{len(generated)} get a generated password.",
        icon=":material/fact_check:",
    )
    if not st.button(f"Import {words.count(len(entries), 'account')}", type="primary", icon=":material/upload:"):
        return
    bar = st.progress(0.0, text="Hashing passwords")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Hashing passwords: {done} of {total}")

    try:
        # Half the cores, as for sign-ins: learners on this server keep the rest while it runs.
        accounts = [entry.account for entry in entries]
        created = store.create_users(accounts, progress=progress, workers=auth.default_hash_slots())
    except AccountError as error:  # someone took a username since the check
        st.error(f"Nothing was imported: {plain(str(error))}", icon=":material/error:")
        return
    bar.progress(1.0, text=f"Imported {words.count(len(created), 'account')}")
    st.session_state[GENERATED_KEY] = roster.passwords_csv(generated) if generated else ""
    st.rerun()


def _uploaded_roster() -> tuple[str, str | None]:
    """The uploaded file's name and text, or None (after saying why) when there is none to read."""
    upload = st.file_uploader("Roster (CSV, UTF-8)", type=["csv"], key="roster-file")
    if upload is None:
        return "", None
    try:
        return upload.name, upload.getvalue().decode("utf-8-sig")
    except UnicodeDecodeError:
        st.error("The file is not UTF-8 text: save it from your spreadsheet as 'CSV UTF-8'.", icon=":material/error:")
        return upload.name, None


def _hand_out_passwords(passwords_csv: str) -> None:
    st.success("The roster is imported.", icon=":material/check:")
    if passwords_csv:
        st.warning(
            "Download the generated passwords now: they are shown only once and are not stored anywhere.",
            icon=":material/key:",
        )
        st.download_button(
            "Download the generated passwords",
            passwords_csv,
            file_name="generated-passwords.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )
    if st.button("Import another roster", key="roster-done"):
        del st.session_state[GENERATED_KEY]
        st.rerun()


def _manage_user(admin: User, teams: list[Team]) -> None:
    store = session.store()
    username = st.text_input("Username to manage", key="manage-username", placeholder="e.g. ana.silva")
    if not username.strip():
        st.caption("Type a username to disable or enable it, change its role, reset its password or its teams.")
        return
    user = store.user_by_name(username)
    if user is None:
        st.warning("No user has that username.", icon=":material/person_off:")
        return
    state = "disabled" if user.disabled else "active"
    st.markdown(f"**{plain(user.display_name)}** (`{user.username}`) · {ROLE_LABELS[user.role]} · {state}")
    myself = user.id == admin.id
    if myself:
        st.caption("This is your own account: you cannot disable it or change its role here.")
    _status_and_role(user, myself)
    _reset_password(user)
    _sessions(user)
    _memberships(user, teams)


def _status_and_role(user: User, myself: bool) -> None:
    store = session.store()
    status_column, role_column = st.columns(2)
    with status_column:
        label = "Enable the account" if user.disabled else "Disable the account"
        clicked = st.button(label, disabled=myself, icon=":material/block:", key=f"toggle-{user.id}")
        if clicked and _refused(lambda: store.disable_user(user.username, disabled=not user.disabled)) is None:
            st.rerun()
    with role_column:
        roles = list(Role)
        role = st.selectbox(
            "Role",
            roles,
            index=roles.index(user.role),
            format_func=lambda r: ROLE_LABELS[r],
            disabled=myself,
            key=f"role-{user.id}",
        )
        clicked = role is not user.role and st.button("Change role", key=f"set-role-{user.id}", disabled=myself)
        if clicked and _refused(lambda: store.set_role(user.username, role.value)) is None:
            st.rerun()


def _refused(change: Callable[[], object]) -> str | None:
    """Make the change, or show why the store refused it (e.g. the last administrator) and return that."""
    try:
        change()
    except AccountError as error:
        st.error(plain(str(error)), icon=":material/block:")
        return str(error)
    return None


def _reset_password(user: User) -> None:
    with st.form(f"reset-{user.id}", clear_on_submit=True):
        st.markdown("**Reset the password**")
        password = st.text_input("New password", type="password", autocomplete="new-password")
        confirmation = st.text_input("Repeat the new password", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("Reset password", icon=":material/key:")
    if not submitted:
        return
    problem = password_problem(password, confirmation)
    if problem:
        st.error(problem, icon=":material/error:")
        return
    session.store().set_password(user.username, password)
    st.success(
        "Password reset. The account's sessions have ended and any sign-in lock on it is lifted.",
        icon=":material/check:",
    )


def _sessions(user: User) -> None:
    """Where the account is signed in, and a way to end one session or all of them."""
    store = session.store()
    active = store.active_sessions(user.id)
    st.markdown("**Signed-in sessions**")
    if not active:
        st.caption("Not signed in anywhere.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Signed in": [item.created_at for item in active],
                "Last used": [item.last_seen_at for item in active],
                "Address": [item.address for item in active],
                "Browser": [item.user_agent[:80] for item in active],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Signed in": st.column_config.DatetimeColumn("Signed in", format="YYYY-MM-DD HH:mm"),
            "Last used": st.column_config.DatetimeColumn("Last used", format="YYYY-MM-DD HH:mm"),
        },
    )
    labels = {item.id: f"{item.created_at:%Y-%m-%d %H:%M} from {item.address}" for item in active}
    one_column, all_column = st.columns(2)
    with one_column:
        chosen = st.selectbox("Session", list(labels), format_func=labels.__getitem__, key=f"session-{user.id}")
        if st.button("End this session", icon=":material/logout:", key=f"end-session-{user.id}"):
            store.end_session_by_id(user.id, int(chosen))
            st.rerun()
    with all_column:
        if st.button("End all sessions", icon=":material/logout:", key=f"end-sessions-{user.id}"):
            store.end_sessions(user.id)
            st.rerun()


def _memberships(user: User, teams: list[Team]) -> None:
    store = session.store()
    by_name = {team.name: team for team in teams}
    member_now = {team.name for team in store.teams_of(user.id)}
    manages_now = {team.name for team in store.teams_managed_by(user.id)}
    with st.form(f"teams-{user.id}"):
        st.markdown("**Teams**")
        member_of = st.multiselect("Member of", list(by_name), default=sorted(member_now))
        manages = st.multiselect("Manages", list(by_name), default=sorted(manages_now))
        submitted = st.form_submit_button("Save teams", icon=":material/save:")
    if not submitted:
        return
    for names, now, manager in ((set(member_of), member_now, False), (set(manages), manages_now, True)):
        for name in names - now:
            store.add_member(by_name[name].id, user.id, manager=manager)
        for name in now - names:
            store.remove_member(by_name[name].id, user.id, manager=manager)
    st.success("Teams saved.", icon=":material/check:")


def _user_table() -> None:
    search = st.text_input("Search by username or name", key="user-search").strip().casefold()
    store = session.store()
    total = store.count_users(search=search or None)
    shown = store.list_users(search=search or None, limit=TABLE_LIMIT)
    st.caption(words.count(total, "user") + (f"; the first {TABLE_LIMIT} shown" if total > TABLE_LIMIT else ""))
    st.dataframe(
        pd.DataFrame(
            {
                "Username": [user.username for user in shown],
                "Name": [user.display_name for user in shown],
                "Role": [ROLE_LABELS[user.role] for user in shown],
                "Active": [not user.disabled for user in shown],
                "Created": [user.created_at for user in shown],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={"Created": st.column_config.DatetimeColumn("Created", format="YYYY-MM-DD")},
    )


PAGES = [
    PageSpec(
        render,
        "Users",
        ":material/manage_accounts:",
        URL,
        ADMINS,
        section="Administer",
        order=10,
        default_for=frozenset({Role.ADMIN}),
    )
]
