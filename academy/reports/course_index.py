"""Look-ups into a loaded course by the ids the store keeps (module, lesson, scenario, question)."""

from __future__ import annotations

from dataclasses import dataclass, field

from academy.content.schema import Choice, Course, Ending, Lesson, Module, Node, Question, QuizBank, Scenario


@dataclass(frozen=True)
class CourseIndex:
    course: Course
    modules: dict[str, Module] = field(init=False)
    lessons: dict[tuple[str, str], Lesson] = field(init=False)
    scenarios: dict[str, Scenario] = field(init=False)
    questions: dict[tuple[str, str], Question] = field(init=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: fill the look-ups once
        set_(self, "modules", {module.id: module for module in self.course.modules})
        set_(self, "lessons", {(m.id, lesson.id): lesson for m in self.course.modules for lesson in m.lessons})
        set_(self, "scenarios", {s.id: s for m in self.course.modules for s in m.scenarios})
        set_(self, "questions", {(bank.id, q.id): q for bank in self.course.banks.values() for q in bank.questions})

    def module_title(self, module_id: str) -> str:
        module = self.modules.get(module_id)
        return module.title if module else module_id

    def lesson_title(self, module_id: str, lesson_id: str | None) -> str:
        lesson = self.lessons.get((module_id, lesson_id or ""))
        return lesson.title if lesson else (lesson_id or "")

    def scenario_title(self, scenario_id: str | None) -> str:
        scenario = self.scenarios.get(scenario_id or "")
        return scenario.title if scenario else (scenario_id or "")

    def bank(self, bank_id: str | None) -> QuizBank | None:
        return self.course.banks.get(bank_id or "")

    def question(self, bank_id: str | None, question_id: str | None) -> Question | None:
        return self.questions.get((bank_id or "", question_id or ""))

    def node(self, scenario_id: str, node_id: str) -> Node | None:
        scenario = self.scenarios.get(scenario_id)
        if scenario is None:
            return None
        return next((node for node in scenario.nodes if node.id == node_id), None)

    def choice(self, scenario_id: str, node_id: str, index: int) -> Choice | None:
        node = self.node(scenario_id, node_id)
        if node is None or not 0 <= index < len(node.choices):
            return None
        return node.choices[index]

    def ending(self, scenario_id: str, ending_id: str | None) -> Ending | None:
        scenario = self.scenarios.get(scenario_id)
        if scenario is None or ending_id is None:
            return None
        return next((ending for ending in scenario.endings if ending.id == ending_id), None)


_CACHE: dict[int, CourseIndex] = {}


def index_for(course: Course) -> CourseIndex:
    """One index per loaded course (courses are immutable and long-lived)."""
    cached = _CACHE.get(id(course))
    if cached is None or cached.course is not course:
        cached = CourseIndex(course)
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[id(course)] = cached
    return cached
