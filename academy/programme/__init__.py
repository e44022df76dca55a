"""Running a training programme: learning paths, assignments with due dates, certificates,
reminders.

* ``paths``: the learning paths in ``paths/*.yaml``;
* ``rules``: due dates, due states, cycles and recertification (pure functions);
* ``standing``: where each learner stands in each assignment, and certificate issuing;
* ``assign``: assigning, changing and withdrawing, and who may;
* ``certificate_pdf``, ``verify``: the certificate document and its public check;
* ``remind``: the e-mail digests.
"""
