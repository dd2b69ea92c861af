"""A class's record, for the teacher to keep before the class is deleted: each question, the first and second
vote, what the run showed, the share right before and after discussion, and the gain. Pure: rows from the
database in (`Classroom.record`), text out. No learner is named unless the teacher asks for names.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from statelab.server.class_records import Question, format_code

POLLS = (1, 2)


@dataclass(frozen=True)
class AskRecord:
    """One question as the class answered it: its number in the class, the counts per vote, the outcome."""

    number: int
    question: Question
    outcome: str | None  # the option the run showed; None if it was not revealed
    counts: dict[int, dict[str, int]]  # vote (1, 2) -> option -> answers

    def answered(self, poll: int) -> int:
        """How many answered this vote."""
        return sum(self.counts[poll].values())

    def share_right(self, poll: int) -> float | None:
        """The share of this vote's answers that the run showed right; None if unknown or nobody voted."""
        total = self.answered(poll)
        return self.counts[poll][self.outcome] / total if self.outcome and total else None

    def gain(self) -> tuple[float, float | None] | None:
        """(points gained from the first vote to the second, normalised gain: the share of the possible
        gain that was made); None without both votes. The normalised gain is None when all were right."""
        before, after = self.share_right(1), self.share_right(2)
        if before is None or after is None:
            return None
        return 100 * (after - before), ((after - before) / (1 - before) if before < 1 else None)


@dataclass(frozen=True)
class Person:
    """One learner in a record with names: their name (or "anonymous N") and their votes. Named learners
    come first, in alphabetical order, then the anonymous ones in the order they joined."""

    name: str
    votes: dict[tuple[int, int], str]  # (question number, vote) -> option


def build_record(
    asks: list[tuple], answers: list[tuple], learners: list[tuple]
) -> tuple[list[AskRecord], list[Person]]:
    """The record from `Classroom.record`'s rows: questions with their counts, and the learners' votes."""
    records = []
    for ask, question_json, outcome in asks:
        question = Question.from_json(question_json)
        counts = {poll: dict.fromkeys(question.options, 0) for poll in POLLS}
        for _, answered_ask, poll, choice in answers:
            if answered_ask == ask and choice in counts.get(poll, {}):
                counts[poll][choice] += 1
        records.append(AskRecord(ask, question, outcome, counts))
    votes: dict[str, dict[tuple[int, int], str]] = {learner: {} for learner, _ in learners}
    for learner, ask, poll, choice in answers:
        votes.setdefault(learner, {})[(ask, poll)] = choice
    named = sorted((name, learner) for learner, name in learners if name)
    unnamed = [learner for learner, name in learners if not name]  # in the order they joined
    people = [Person(name, votes[learner]) for name, learner in named]
    people += [Person(f"anonymous {index}", votes[learner]) for index, learner in enumerate(unnamed, start=1)]
    return records, people


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.0f}"


def _gain_text(record: AskRecord) -> tuple[str, str]:
    """(points, normalised gain) as the record writes them; empty without both votes."""
    gain = record.gain()
    if gain is None:
        return "", ""
    points, normalised = gain
    return f"{points:+.0f}", "" if normalised is None else f"{normalised:.2f}"


def record_csv(records: list[AskRecord]) -> str:
    """One row per question and option: both votes' counts, whether the run showed it, the shares right
    before and after discussion (percent) and the gain (points, normalised). Names no one."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "question_number", "question_id", "question", "option", "run_showed_this",
            "first_vote", "second_vote", "percent_right_first_vote", "percent_right_after_discussion",
            "gain_points", "normalised_gain",
        ]
    )  # fmt: skip
    for record in records:
        shares = [_percent(record.share_right(poll)) for poll in POLLS]
        for key, label in record.question.options.items():
            shown = "" if record.outcome is None else "yes" if key == record.outcome else "no"
            counts = [record.counts[poll][key] for poll in POLLS]
            writer.writerow(
                [record.number, record.question.id, record.question.title, label, shown, *counts, *shares]
                + list(_gain_text(record))
            )
    return out.getvalue()


def people_csv(records: list[AskRecord], people: list[Person]) -> str:
    """One row per learner and question: their first and second vote (when the teacher asks for names)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["learner", "question_number", "question", "first_vote", "second_vote", "run_showed"])
    for person in people:
        for record in records:
            options = record.question.options
            votes = [options.get(person.votes.get((record.number, poll)), "") for poll in POLLS]
            shown = options.get(record.outcome, "") if record.outcome else ""
            writer.writerow([person.name, record.number, record.question.title, *votes, shown])
    return out.getvalue()


def summary_rows(records: list[AskRecord]) -> list[dict[str, str]]:
    """One row per question as the summary's table shows it."""
    rows = []
    for record in records:
        right = [
            f"{_percent(record.share_right(poll))} % of {record.answered(poll)}"
            if record.share_right(poll) is not None
            else "–"
            for poll in POLLS
        ]
        points, normalised = _gain_text(record)
        rows.append(
            {
                "No.": str(record.number),
                "Question": record.question.title,
                "The run showed": record.question.options[record.outcome]
                if record.outcome
                else "not revealed",
                "Right, first vote": right[0],
                "Right, after discussion": right[1],
                "Gain": f"{points} points" + (f" (g = {normalised})" if normalised else "")
                if points
                else "–",
            }
        )
    return rows


def record_summary(code: str, records: list[AskRecord], joined: int, date: str) -> str:
    """A one-page Markdown summary: one table row per question, then each question's options and votes."""
    questions = f"{len(records)} question" + ("s" if len(records) != 1 else "")
    rows = summary_rows(records)
    header = list(rows[0]) if rows else []
    lines = [
        f"# Class {format_code(code)}: the record",
        "",
        f"{date} · {joined} learners joined · {questions}. No learner is named here.",
        "",
        "| " + " | ".join(header) + " |",
        "|---:|---|---|---:|---:|---|",
        *("| " + " | ".join(row.values()) + " |" for row in rows),
    ]
    lines += [
        "",
        "Gain: the change in the share right from the first vote to the second; g, the normalised gain,"
        " is that change as a share of what was left to gain (1 = everyone who was wrong changed to right).",
        "",
    ]
    for record in records:
        lines += [f"**{record.number}. {record.question.title}**", ""]
        for key, label in record.question.options.items():
            mark = " ✓" if key == record.outcome else ""
            second = f", after discussion {record.counts[2][key]}" if record.answered(2) else ""
            lines.append(f"- {label}{mark}: first vote {record.counts[1][key]}{second}")
        lines.append("")
    return "\n".join(lines)
