"""The course: every lesson as one object (statelab.teaching.lessons.lesson), in order.

Pages draw these objects, the warm-up trains their runs, class mode asks their checks and the claims
tests run them: a check is declared once, in its lesson's module, beside its words in lessons/.
"""

import sys

import statelab.teaching.lessons.lesson_01  # noqa: F401
import statelab.teaching.lessons.lesson_02  # noqa: F401
import statelab.teaching.lessons.lesson_03  # noqa: F401
import statelab.teaching.lessons.lesson_04  # noqa: F401
import statelab.teaching.lessons.lesson_05  # noqa: F401
import statelab.teaching.lessons.lesson_06  # noqa: F401
import statelab.teaching.lessons.lesson_07  # noqa: F401
import statelab.teaching.lessons.lesson_08  # noqa: F401
import statelab.teaching.lessons.lesson_09  # noqa: F401
import statelab.teaching.lessons.lesson_10  # noqa: F401
import statelab.teaching.lessons.lesson_11  # noqa: F401
import statelab.teaching.lessons.lesson_12  # noqa: F401
from statelab.teaching.lesson_text import lesson_texts
from statelab.teaching.lessons.lesson import Check, Lesson, Runs, Scale

__all__ = ["Check", "Lesson", "Runs", "Scale", "all_lessons", "lesson"]


def _declared(number: int) -> Lesson:
    """The object that lesson `number`'s module (lesson_NN.py, imported above) declares."""
    module = sys.modules.get(f"{__name__}.lesson_{number:02d}")
    if module is None:
        raise ValueError(
            f"Lesson {number}'s text has no module: add statelab/teaching/lessons/lesson_{number:02d}.py."
        )
    return module.LESSON


LESSONS = tuple(_declared(text.number) for text in lesson_texts())


def all_lessons() -> tuple[Lesson, ...]:
    """Every lesson, in order."""
    return LESSONS


def lesson(number: int) -> Lesson:
    """The lesson with this number."""
    found = [item for item in LESSONS if item.number == number]
    if not found:
        raise ValueError(f"There is no lesson {number}: lessons are {[item.number for item in LESSONS]}.")
    return found[0]
