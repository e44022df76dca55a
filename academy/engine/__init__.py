"""Pure course logic, no I/O: ``quiz`` (draw, check, score, grade), ``roleplay`` (play, cost,
analyse, debrief) and ``graph`` (scenario checks for the linter)."""
