"""How each lesson's demos and checks are drawn: one module per lesson, each with its PARTS.

A lesson object (statelab.lessons) names its demos and checks; a lesson's PARTS draws each by that name
(a check's `view` when it names another drawing), from the values of the runs it declares.
"""

from collections.abc import Callable

from ui.lesson_parts import (
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

PARTS_BY_LESSON = {
    number: module.PARTS
    for number, module in enumerate(
        (
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
        ),
        start=1,
    )
}


def lesson_parts(number: int) -> dict[str, Callable]:
    """How lesson `number`'s demos and checks are drawn, by name."""
    if number not in PARTS_BY_LESSON:
        raise ValueError(f"No drawings for lesson {number}: add ui/lesson_parts/lesson_{number:02d}.py.")
    return PARTS_BY_LESSON[number]
