"""How each lesson's demos and checks are drawn: one module per lesson, each with its PARTS.

A lesson object (statelab.teaching.lessons) names its demos and checks; a lesson's PARTS draws each by
that name (a check's `view` when it names another drawing), from the values of the runs it declares.
"""

import sys
from collections.abc import Callable

import ui.lesson_parts.lesson_01  # noqa: F401
import ui.lesson_parts.lesson_02  # noqa: F401
import ui.lesson_parts.lesson_03  # noqa: F401
import ui.lesson_parts.lesson_04  # noqa: F401
import ui.lesson_parts.lesson_05  # noqa: F401
import ui.lesson_parts.lesson_06  # noqa: F401
import ui.lesson_parts.lesson_07  # noqa: F401
import ui.lesson_parts.lesson_08  # noqa: F401
import ui.lesson_parts.lesson_09  # noqa: F401
import ui.lesson_parts.lesson_10  # noqa: F401
import ui.lesson_parts.lesson_11  # noqa: F401
import ui.lesson_parts.lesson_12  # noqa: F401


def lesson_parts(number: int) -> dict[str, Callable]:
    """How lesson `number`'s demos and checks are drawn, by name."""
    module = sys.modules.get(f"{__name__}.lesson_{number:02d}")
    if module is None:
        raise ValueError(f"No drawings for lesson {number}: add ui/lesson_parts/lesson_{number:02d}.py.")
    return module.PARTS
