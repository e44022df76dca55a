"""Figures for managers and exports (pandas; no Streamlit here).

Every report takes the viewer's ``Scope`` (``access.scope_for(store, user)``): a manager
sees the teams they manage, an administrator every team and every learner, a learner
nothing (``AccessDeniedError``). The rule lives here, not only in the pages.

=================  ===========================================================================
module             what it gives
=================  ===========================================================================
access             ``scope_for``, ``operator_scope``, ``learners``, ``learner``
overview           ``team_overview`` -> matrix, completion per module, quiz scores, last activity
at_risk            ``at_risk`` with ``RiskRules`` (inactive, failing a quiz, stalled)
learner            ``learner_report``: timeline, attempts with answers, runs with their path
skills             ``skill_report``: score per skill tag, per learner and per team
items              ``question_analysis``: Moodle's item statistics for one quiz bank
decisions          ``decision_analysis``: reach, choices and endings of one role-play
csv_export         ``to_csv`` / ``to_csv_bytes`` with formula neutralisation
xapi               ``statements`` and ``write_json``: xAPI 1.0.3, one statement per record
course_doc         ``render_course_doc``: docs/course.md from the course (``course-doc``)
=================  ===========================================================================
"""
