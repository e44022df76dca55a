"""The course read from its files: YAML → the models of ``academy.content``, checked whole.

``loader`` turns ``lessons/*.yaml`` and ``quizzes/*.yaml`` into a ``Course`` with every
problem reported as ``file:line:column``; ``lint`` holds the checks the schema alone cannot
express (unique ids, answer keys, images, and the scenario graphs, which the engine's
role-play analysis plays through); ``yaml_source`` reads YAML safely and keeps each value's
position. This package sits above ``academy.engine`` (it lints with the engine's rules),
which sits above ``academy.content`` (the models): no import runs the other way.
"""
