"""The lesson texts: Markdown files in lessons/ parsed into titles, Markdown parts, demos and checks.

Pure text processing (no Streamlit, no TensorFlow): the lesson objects (statelab.teaching.lessons) add
the live side of each text, and the lesson plan reads the texts.
The format is documented in lessons/README.md; in short, a lesson file `NN_slug.md` starts with a
front matter block (title, minutes, goal, presets, optional nav) and marks its live parts:
`<!-- demo: NAME -->`, `<!-- code: FILE.py -->` or `<!-- code: FILE.py#NAME -->` (a file of
lessons/code/, or one function or class of it, shown as a code block) and

    <!-- check: NAME -->
    The question, self-contained, in Markdown.
    - [key] one possible outcome
    - [other] another
    <!-- answer: key -->
    <!-- if: key -->
    What it means when the live run shows `key`.
    <!-- if: other -->
    ...
    <!-- picked: other -->
    Optional: a note for a learner who picked `other` and whose prediction did not hold.
    <!-- end -->

Prose that follows from a check's answer goes between `<!-- after: NAME -->` (or `NAME,OTHER`: checks
above it) and `<!-- end -->`: a learner sees it once they have predicted those checks.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from statelab.engine.python_source import parse
from statelab.teaching.presets import PRESETS

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
CODE_DIR = LESSONS_DIR / "code"
MARKER = re.compile(r"<!--\s*(demo|code|check|answer|if|picked|after|end)\s*:?\s*([\w.#,-]*)\s*-->")
CHECK_MARKERS = ("answer", "if", "picked")  # only inside a check
OPTION = re.compile(r"^- \[(\w+)\] (.+)$")
REQUIRED_FIELDS = ("title", "minutes", "goal")


@dataclass(frozen=True)
class CheckText:
    """The words of a check: the question, its outcomes, what each means, and the expected one."""

    id: str
    question: str
    options: dict[str, str]
    explanations: dict[str, str]
    answer: str  # the outcome expected on the installed Keras (the teacher's answer key)
    notes: dict[str, str] = field(default_factory=dict)  # picked option -> note when it did not hold


@dataclass(frozen=True)
class LessonText:
    """One lesson's text: its front matter and its body as Markdown, demo and check parts, in order."""

    number: int
    slug: str
    title: str
    minutes: int
    goal: str
    presets: tuple[str, ...]
    # ("markdown", text), ("code", file), ("demo", name), ("check", CheckText); ("after", check ids) and
    # ("after_end", check ids) around the parts a learner sees once they have predicted those checks
    parts: tuple[tuple[str, object], ...]
    nav: str  # the short title in the sidebar

    @property
    def url(self) -> str:
        """The lesson's URL path (its page link in the Lab, the lesson plan and shared links)."""
        return f"lesson-{self.number}"

    @property
    def checks(self) -> list[CheckText]:
        """The lesson's checks, in order."""
        return [part for kind, part in self.parts if kind == "check"]

    @property
    def demos(self) -> list[str]:
        """The names of the lesson's demo blocks, in order."""
        return [part for kind, part in self.parts if kind == "demo"]

    def parts_for(self, predicted: Collection[str]) -> list[tuple[str, object]]:
        """The parts a learner who has predicted the checks `predicted` sees: the parts after checks they
        have not predicted yet give way to one ("locked", check ids)."""
        shown, locked = [], None
        for kind, part in self.parts:
            if kind == "after" and not set(part) <= set(predicted):
                shown.append(("locked", part))
                locked = part
            elif kind == "after_end":
                locked = None
            elif locked is None and kind != "after":
                shown.append((kind, part))
        return shown


def parse_front_matter(text: str, name: str) -> tuple[dict[str, str], str]:
    """(fields, body) of a file that starts with a `---` block of `key: value` lines."""
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        raise ValueError(f"{name}: a lesson starts with a front matter block between two '---' lines.")
    head, body = text[4:].split("\n---\n", 1)
    fields = {}
    for line in filter(str.strip, head.splitlines()):
        if ":" not in line:
            raise ValueError(f"{name}: front matter line {line!r} is not 'key: value'.")
        key, value = line.split(":", 1)
        fields[key.strip()] = value.strip()
    return fields, body


def parse_check(check: dict, source: str) -> CheckText:
    """A check from its question block (with `- [key] label` options), answer and explanations."""
    name, lines = check["name"], check["intro"].strip().splitlines()
    options = {match[1]: match[2] for match in map(OPTION.match, lines) if match}
    question = "\n".join(line for line in lines if not OPTION.match(line)).strip()
    explanations, notes, answer = check["if"], check["picked"], check["answer"]
    problems = []
    if len(options) < 2 or set(options) != set(explanations):
        problems.append(
            f"two or more options and one '<!-- if: key -->' explanation for each "
            f"(options {sorted(options)}, explanations {sorted(explanations)})"
        )
    if answer not in options:
        problems.append(f"an '<!-- answer: key -->' naming one of its options (found {answer!r})")
    if not set(notes) <= set(options):
        problems.append(f"'<!-- picked: key -->' notes only for its options (found {sorted(notes)})")
    if not question:
        problems.append("a question above its options")
    if problems:
        raise ValueError(f"{source}: check {name!r} needs " + "; ".join(problems) + ".")
    return CheckText(name, question, options, explanations, answer, notes)


def code_block(name: str, code_dir: Path = CODE_DIR) -> str:
    """A file of lessons/code/ (`FILE.py`), or one top-level function or class of it (`FILE.py#NAME`),
    as a fenced Python block: what a `<!-- code: ... -->` marker shows."""
    filename, _, definition = name.partition("#")
    path = code_dir / filename
    if not filename or not path.is_file():
        raise ValueError(f"No lesson code file {filename!r} in {code_dir}.")
    source = path.read_text()
    if definition:
        found = [node for node in parse(source).body if getattr(node, "name", None) == definition]
        if not found:
            raise ValueError(f"{filename} defines no top-level function or class {definition!r}.")
        source = ast.get_source_segment(source, found[0])
    return f"```python\n{source.strip()}\n```\n"


def _open_check(name: str) -> dict:
    return {"name": name, "intro": "", "answer": None, "if": {}, "picked": {}}


def _misplaced(kind: str, check: dict | None, after: tuple[str, ...] | None) -> bool:
    """Whether a marker stands where it cannot: a check's markers outside a check, another marker inside
    one, a check inside an after-block, an after-block in another, an `end` that closes nothing."""
    if check is not None:
        return kind not in (*CHECK_MARKERS, "end")
    if kind in CHECK_MARKERS:
        return True
    if kind == "end":
        return after is None
    return kind in ("check", "after") and after is not None


def _after_names(name: str, answered: list[str], source: str) -> tuple[str, ...]:
    """The checks an `<!-- after: -->` marker names: one or more, each a check above it."""
    names = tuple(filter(None, name.split(",")))
    if not names or not set(names) <= set(answered):
        raise ValueError(f"{source}: '<!-- after: {name} -->' must name checks above it ({answered}).")
    return names


def parse_body(body: str, source: str, code_dir: Path = CODE_DIR) -> tuple[tuple[str, object], ...]:
    """The Markdown, demo, check and after-block parts of a lesson body, in order."""
    pieces = MARKER.split(body)
    parts: list[tuple[str, object]] = [("markdown", pieces[0])]
    check: dict | None = None
    after: tuple[str, ...] | None = None  # the checks of the open after-block
    for kind, name, text in zip(pieces[1::3], pieces[2::3], pieces[3::3], strict=True):
        if _misplaced(kind, check, after):
            raise ValueError(
                f"{source}: '<!-- {kind} -->' where it cannot be: a check's markers belong between its "
                "'<!-- check -->' and '<!-- end -->', a check or an after-block cannot sit in an "
                "after-block, and every '<!-- end -->' closes one check or after-block."
            )
        if kind == "check":
            check = _open_check(name)
            check["intro"] = text
        elif kind == "answer":
            if text.strip():
                raise ValueError(
                    f"{source}: put the explanations after '<!-- answer: {name} -->' in if-blocks."
                )
            check["answer"] = name
        elif kind in ("if", "picked"):
            check[kind][name] = text.strip()
        elif kind == "after":
            after = _after_names(name, [part.id for key, part in parts if key == "check"], source)
            parts += [("after", after), ("markdown", text)]
        elif kind == "end" and check is not None:
            parts += [("check", parse_check(check, source)), ("markdown", text)]
            check = None
        elif kind == "end":
            parts += [("after_end", after), ("markdown", text)]
            after = None
        elif kind == "code":
            code_block(name, code_dir)  # the file and the definition it names must exist
            parts += [("code", name), ("markdown", text)]
        else:
            parts += [("demo", name), ("markdown", text)]
    if check is not None or after is not None:
        unclosed = f"check {check['name']!r}" if check else f"'<!-- after: {','.join(after)} -->'"
        raise ValueError(f"{source}: {unclosed} has no '<!-- end -->'.")
    return tuple((kind, part) for kind, part in parts if kind != "markdown" or part.strip())


def load_lesson_text(path: Path) -> LessonText:
    """A lesson's text from its Markdown file, named NN_slug.md."""
    fields, body = parse_front_matter(path.read_text(), path.name)
    missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
    if missing:
        raise ValueError(f"{path.name}: the front matter needs {', '.join(missing)}.")
    number, slug = path.stem.split("_", 1)
    presets = tuple(fields.get("presets", "").split())
    unknown = [preset for preset in presets if preset not in PRESETS]
    if unknown:
        raise ValueError(f"{path.name}: unknown presets {unknown}; choose from {', '.join(PRESETS)}.")
    return LessonText(
        number=int(number),
        slug=slug,
        title=fields["title"],
        minutes=int(fields["minutes"]),
        goal=fields["goal"],
        presets=presets,
        parts=parse_body(body, path.name, path.parent / "code"),
        nav=fields.get("nav", fields["title"]),
    )


@cache
def lesson_texts(directory: Path = LESSONS_DIR) -> tuple[LessonText, ...]:
    """Every lesson text in lessons/ (the files named NN_slug.md), in order of their numbers."""
    texts = tuple(load_lesson_text(path) for path in sorted(directory.glob("[0-9][0-9]_*.md")))
    numbers = [item.number for item in texts]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"Two lesson files share a number: {numbers}.")
    return texts


def lesson_text(number: int) -> LessonText:
    """The text of the lesson with this number."""
    found = [item for item in lesson_texts() if item.number == number]
    if not found:
        raise ValueError(f"There is no lesson {number}: lessons are {[i.number for i in lesson_texts()]}.")
    return found[0]
