"""The course: every lesson as one object (statelab.lessons.lesson), in order.

Pages draw these objects, the warm-up trains their runs, class mode asks their checks and the claims
tests run them: a check is declared once, in its lesson's module, beside its words in lessons/.
"""

from statelab.lesson_text import lesson_texts
from statelab.lessons import (
    lesson_01,
    lesson_02,
    lesson_03,
    lesson_04,
    lesson_05,
    lesson_06,
    lesson_07,
    lesson_08,
    lesson_09,
    lesson_10,
    lesson_11,
    lesson_12,
)
from statelab.lessons.lesson import Check, Lesson, Runs, Scale

__all__ = ["Check", "Lesson", "Runs", "Scale", "all_lessons", "lesson"]

LESSONS = tuple(
    module.LESSON
    for module in (
        lesson_01,
        lesson_02,
        lesson_03,
        lesson_04,
        lesson_05,
        lesson_06,
        lesson_07,
        lesson_08,
        lesson_09,
        lesson_10,
        lesson_11,
        lesson_12,
    )
)
if [item.number for item in LESSONS] != [text.number for text in lesson_texts()]:
    raise ValueError("Every lesson text in lessons/ needs its module in statelab/lessons/, in order.")


def all_lessons() -> tuple[Lesson, ...]:
    """Every lesson, in order."""
    return LESSONS


def lesson(number: int) -> Lesson:
    """The lesson with this number."""
    found = [item for item in LESSONS if item.number == number]
    if not found:
        raise ValueError(f"There is no lesson {number}: lessons are {[item.number for item in LESSONS]}.")
    return found[0]
