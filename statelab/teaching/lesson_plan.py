"""The teacher's lesson plan, built from the lesson files: tracks, questions with options, answer key.

Pure text (no Streamlit): the plan page renders it, the download hands it out as Markdown, tests read
it. Tracks come from the front matter of lessons/teacher.md, one line per track:
`track-ID: LESSONS | Title`, where LESSONS is `all`, a range such as `1-4`, or numbers such as `1 2 5`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

from statelab.teaching.lesson_text import LESSONS_DIR, CheckText, LessonText, lesson_texts, parse_front_matter
from statelab.teaching.presets import PRESETS

PLAN_FILE = LESSONS_DIR / "teacher.md"
TRACK_PREFIX = "track-"
RANGE = re.compile(r"^(\d+)-(\d+)$")


@dataclass(frozen=True)
class Track:
    """A path through some lessons, in order, for a class of a given length."""

    id: str
    title: str
    lessons: tuple[LessonText, ...]

    @property
    def minutes(self) -> int:
        """The track's length: the sum of its lessons' minutes."""
        return sum(item.minutes for item in self.lessons)

    @property
    def label(self) -> str:
        """The track's title with its lessons and computed length, e.g. 'Essentials: lessons 1-4, 47 min'."""
        numbers = [item.number for item in self.lessons]
        consecutive = numbers == list(range(numbers[0], numbers[-1] + 1))
        span = f"{numbers[0]}–{numbers[-1]}" if consecutive else ", ".join(map(str, numbers))
        return f"{self.title}: lessons {span}, {self.minutes} minutes"


def lesson_numbers(spec: str, available: list[int]) -> list[int]:
    """The lesson numbers a track names: 'all', a range '1-4', or numbers '1 2 5'."""
    spec = spec.strip()
    if spec == "all":
        return list(available)
    match = RANGE.match(spec)
    numbers = list(range(int(match[1]), int(match[2]) + 1)) if match else [int(n) for n in spec.split()]
    unknown = [number for number in numbers if number not in available]
    if not numbers or unknown:
        raise ValueError(
            f"Track lessons {spec!r} name no lesson or unknown ones {unknown}; lessons: {available}."
        )
    return numbers


def load_tracks(lessons: tuple[LessonText, ...] | None = None, path: Path = PLAN_FILE) -> list[Track]:
    """The plan's tracks as the front matter of teacher.md defines them (all lessons when it defines none)."""
    lessons = lessons or lesson_texts()
    by_number = {item.number: item for item in lessons}
    fields, _ = parse_front_matter(path.read_text(), path.name)
    tracks = []
    for key, value in fields.items():
        if not key.startswith(TRACK_PREFIX) or "|" not in value:
            raise ValueError(
                f"{path.name}: write each track as 'track-ID: LESSONS | Title', not {key}: {value}"
            )
        spec, title = (part.strip() for part in value.split("|", 1))
        numbers = lesson_numbers(spec, list(by_number))
        tracks.append(Track(key.removeprefix(TRACK_PREFIX), title, tuple(by_number[n] for n in numbers)))
    return tracks or [Track("all", "All lessons", lessons)]


def plan_intro(path: Path = PLAN_FILE) -> str:
    """The plan's introduction for the teacher (the body of teacher.md)."""
    return parse_front_matter(path.read_text(), path.name)[1].strip()


def one_line(markdown: str) -> str:
    """Markdown on one line: line breaks and runs of spaces become single spaces."""
    return " ".join(markdown.split())


def letters(check: CheckText) -> dict[str, str]:
    """Option key -> the letter it is printed with: a, b, c ..."""
    return dict(zip(check.options, string.ascii_lowercase, strict=False))


def question_block(label: str, check: CheckText, inline: bool = False) -> list[str]:
    """A question as Markdown lines: its label, its whole text, then its lettered options (one per line,
    or `inline` on one line, as the printed plan has them)."""
    lettered = letters(check)
    options = [f"{lettered[key]}) {text}" for key, text in check.options.items()]
    return [
        f"**{label}** {one_line(check.question)}",
        "",
        *([" · ".join(options)] if inline else [f"{option}  " for option in options]),
        "",
    ]


def numbered_checks(lessons: tuple[LessonText, ...]) -> list[tuple[str, CheckText]]:
    """Every check of the lessons with its label in the plan: 'Q2.1' is lesson 2's first question."""
    return [
        (f"Q{item.number}.{index}", check)
        for item in lessons
        for index, check in enumerate(item.checks, start=1)
    ]


def answer_key(lessons: tuple[LessonText, ...]) -> list[str]:
    """One Markdown line per question: its label, the expected answer's letter and words."""
    return [
        f"- **{label}** {letters(check)[check.answer]}) {check.options[check.answer]}"
        for label, check in numbered_checks(lessons)
    ]


def lab_link(preset_id: str) -> str:
    """The Lab's relative URL that opens a preset in predict-first mode."""
    if preset_id not in PRESETS:
        raise ValueError(f"Unknown preset {preset_id!r}: choose from {', '.join(PRESETS)}.")
    return f"lab?preset={preset_id}"


def lesson_section(item: LessonText, base_url: str) -> list[str]:
    """One lesson in the plan: heading with minutes, goal, its links written out on one line, questions."""
    lines = [
        f"### {item.number}. {item.title} · {item.minutes} min",
        "",
        f"{item.goal}  ",
        " · ".join(
            [
                f"Lesson: {base_url}{item.url}",
                *(f"Lab, {PRESETS[preset].title}: {base_url}{lab_link(preset)}" for preset in item.presets),
            ]
        ),
        "",
    ]
    for label, check in numbered_checks((item,)):
        lines += question_block(label, check, inline=True)
    return lines


def plan_markdown(track: Track, base_url: str = "") -> str:
    """The whole plan of a track as one Markdown document: lessons in order, then the answer key."""
    lines = [f"## Lesson plan · {track.label}", ""]
    for item in track.lessons:
        lines += lesson_section(item, base_url)
    lines += ["### Answer key (for the teacher)", "", *answer_key(track.lessons), ""]
    return "\n".join(lines)


def plan_table(track: Track) -> str:
    """A Markdown table of the track: lesson, minutes, when it starts, how many questions."""
    rows, clock = [], 0
    for item in track.lessons:
        rows.append(f"| {item.number} | {item.title} | {item.minutes} | {clock} | {len(item.checks)} |")
        clock += item.minutes
    total = f"| | **Total** | **{track.minutes}** | | **{sum(len(i.checks) for i in track.lessons)}** |"
    header = ["| # | Lesson | Minutes | Start (min) | Questions |", "|---|---|---|---|---|"]
    return "\n".join([*header, *rows, total])
