"""Class mode's plain records: questions, class states, codes, names and tokens (no database here)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O or 1/I/L: read off a projector without doubt
CODE_LENGTH = 8
DEFAULT_HOURS = 3.0
MAX_NAME = 40


class ClassError(Exception):
    """Something a person did that class mode refuses, with a message to show them as it is."""


class ClassNotFound(ClassError):
    """No open class has this code (never started, mistyped, closed or expired)."""

    def __init__(self, code: str, expired: bool = False):
        super().__init__(
            f"No class is open with the code {format_code(code)}. Check the code on the teacher's screen; "
            "a class also ends when the teacher closes it or after a few hours."
        )
        self.expired = expired


class NotTeacher(ClassError):
    """The token is not this class's teacher token."""


class AnswersClosed(ClassError):
    """The learner answered a question that is not open (revealed, replaced, or none asked)."""


@dataclass(frozen=True)
class Question:
    """What the class is asked: an id, a short title, the question (Markdown) and its options."""

    id: str
    title: str
    text: str
    options: dict[str, str]  # option key -> label, in display order

    def __post_init__(self):
        if len(self.options) < 2:
            raise ValueError(f"Question {self.id!r} needs two or more options, got {list(self.options)}.")

    def check_option(self, key: str) -> str:
        """`key` if it is one of the options; ValueError otherwise."""
        if key not in self.options:
            raise ValueError(f"{key!r} is not an option of question {self.id!r}: {list(self.options)}.")
        return key

    def to_json(self) -> str:
        """The question as JSON text (options keep their order)."""
        return json.dumps({"id": self.id, "title": self.title, "text": self.text, "options": self.options})

    @classmethod
    def from_json(cls, text: str) -> Question:
        """A question from `to_json` text."""
        fields = json.loads(text)
        return cls(fields["id"], fields["title"], fields["text"], fields["options"])


@dataclass(frozen=True)
class ClassState:
    """What everyone in a class may know: the open question, its poll, and the outcome once revealed."""

    code: str
    expires_at: float
    question: Question | None
    ask: int  # questions asked so far: each new question starts with no answers
    poll: int  # 1 for the first vote, 2 after "Ask again"
    revealed: bool
    outcome: str | None  # the option the experiment showed; None until revealed and run


@dataclass(frozen=True)
class NewClass:
    """A class just started: its code and the teacher's token (shown to no one else)."""

    code: str
    teacher_token: str
    expires_at: float


@dataclass(frozen=True)
class Tally:
    """What only the teacher sees: how many joined, and the answers per poll (option -> count)."""

    joined: int
    counts: dict[int, dict[str, int]]


def new_code() -> str:
    """A fresh random class code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """A code as people read it: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def normalize_code(text: str) -> str:
    """A code as typed (any case, spaces or dashes) in its stored form; ClassError if it cannot be one."""
    code = re.sub(r"[\s-]", "", str(text)).upper()
    if len(code) != CODE_LENGTH or any(character not in CODE_ALPHABET for character in code):
        raise ClassError(
            f"A class code has {CODE_LENGTH} letters and digits, like 7KQ4-MX9P: check it and try again."
        )
    return code


def clean_name(name: str) -> str:
    """A display name: printable characters only, spaces collapsed, at most MAX_NAME characters."""
    printable = "".join(character for character in str(name) if character.isprintable())
    return " ".join(printable.split())[:MAX_NAME]


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, so the database alone cannot act as anyone."""
    return hashlib.sha256(str(token).encode()).hexdigest()


def class_hours() -> float:
    """How many hours a class lasts: STATELAB_CLASS_HOURS, or DEFAULT_HOURS."""
    return float(os.environ.get("STATELAB_CLASS_HOURS", DEFAULT_HOURS))


def class_state(row: tuple) -> ClassState:
    """A ClassState from a class row (code, teacher hash, expiry, ask, poll, question, revealed, outcome).

    The outcome is left out until revealed: a learner's page never holds it earlier.
    """
    code, _, expires_at, ask, poll, question, revealed, outcome = row
    question = Question.from_json(question) if question else None
    return ClassState(code, expires_at, question, ask, poll, bool(revealed), outcome if revealed else None)
