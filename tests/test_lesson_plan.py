"""The lesson texts and the teacher's plan as pure text: parser, tracks, questions, answer key, links."""

import pytest

from statelab.teaching.lesson_plan import (
    Track,
    answer_key,
    lab_link,
    lesson_numbers,
    load_tracks,
    numbered_checks,
    plan_markdown,
    plan_table,
)
from statelab.teaching.lesson_text import (
    LessonText,
    code_block,
    lesson_texts,
    parse_body,
    parse_front_matter,
)
from statelab.teaching.presets import PRESETS


def test_tracks_add_up_their_lessons_minutes():
    lessons = {item.number: item for item in lesson_texts()}
    tracks = {track.id: track for track in load_tracks()}
    assert [item.number for item in tracks["essentials"].lessons] == [1, 2, 3, 4]
    assert tracks["all"].lessons == lesson_texts()
    assert min(track.minutes for track in tracks.values()) <= 50  # issue 23: a first class of 50 minutes
    for track in tracks.values():
        assert track.minutes == sum(lessons[item.number].minutes for item in track.lessons)
        assert f"{track.minutes} minutes" in track.label
    table = plan_table(tracks["essentials"])
    assert f"**{tracks['essentials'].minutes}**" in table.splitlines()[-1]
    starts = [int(row.split("|")[4]) for row in table.splitlines()[2:-1]]
    assert starts == [0, *(sum(lessons[n].minutes for n in range(1, k)) for k in range(2, 5))]


@pytest.mark.parametrize(
    ("spec", "numbers"), [("all", [1, 2, 3]), ("1-2", [1, 2]), ("3 1", [3, 1]), (" 2 ", [2])]
)
def test_track_lessons_are_read_from_ranges_and_lists(spec, numbers):
    assert lesson_numbers(spec, [1, 2, 3]) == numbers


@pytest.mark.parametrize("spec", ["1-9", "0", "", "two"])
def test_unknown_track_lessons_are_refused(spec):
    with pytest.raises(ValueError):
        lesson_numbers(spec, [1, 2, 3])


def test_a_malformed_track_line_is_explained(tmp_path):
    plan = tmp_path / "teacher.md"
    plan.write_text("---\ntrack-x: 1-2 without a title\n---\nintro\n")
    with pytest.raises(ValueError, match="track-ID: LESSONS"):
        load_tracks(lesson_texts(), plan)


def test_every_question_stands_on_its_own_with_options_and_an_answer():
    for item in lesson_texts():
        for check in item.checks:
            words = check.question.split()
            assert len(words) >= 15, (check.id, check.question)  # context, not just "What happens?"
            assert "?" in check.question and check.answer in check.options


def test_the_plan_writes_out_questions_options_links_and_answers():
    track = Track("all", "All", lesson_texts())
    text = plan_markdown(track, "https://lab.example/")
    for item in lesson_texts():
        assert f"https://lab.example/{item.url}" in text
        for preset in item.presets:
            assert f"https://lab.example/lab?preset={preset}" in text
    for label, check in numbered_checks(lesson_texts()):
        assert f"**{label}** {' '.join(check.question.split())}" in text
        for option in check.options.values():
            assert option in text
    key = text.split("Answer key")[1]
    checks = sum(len(item.checks) for item in lesson_texts())
    assert key.count("**Q") == checks == len(answer_key(lesson_texts()))
    assert text.index("### 1.") < text.index("### 2.") < text.index("Answer key")  # reading order


def test_lab_links_open_a_preset_by_id():
    assert lab_link("shuffle_on") == "lab?preset=shuffle_on"
    assert all(lab_link(preset) == f"lab?preset={preset}" for preset in PRESETS)
    with pytest.raises(ValueError, match="Unknown preset"):
        lab_link("nope")


def test_checks_read_answer_and_notes_for_picked_options():
    body = (
        "<!-- check: c -->\nWhich one?\n- [a] A\n- [b] B\n<!-- answer: b -->\n"
        "<!-- if: a -->\nran a\n<!-- if: b -->\nran b\n<!-- picked: a -->\nwhy not a\n<!-- end -->\nafter\n"
    )
    (kind, check), (_, after) = parse_body(body, "x.md")
    assert kind == "check" and check.answer == "b" and check.notes == {"a": "why not a"}
    assert check.explanations == {"a": "ran a", "b": "ran b"} and after.strip() == "after"


QUESTION = "<!-- check: c -->\nQ?\n- [a] A\n- [b] B\n"
EXPLAINED = "<!-- if: a -->\nx\n<!-- if: b -->\ny\n"
ANSWERED = QUESTION + "<!-- answer: a -->\n" + EXPLAINED + "<!-- end -->\n"


def test_after_blocks_open_once_their_checks_are_predicted():
    body = ANSWERED.replace("check: c", "check: d") + ANSWERED
    body += "<!-- after: c,d -->\nbecause\n<!-- demo: d -->\n<!-- end -->\nrest\n"
    text = LessonText(1, "x", "X", 5, "goal", (), parse_body(body, "x.md"), "X")
    kinds = [kind for kind, _ in text.parts]
    assert kinds == ["check", "check", "after", "markdown", "demo", "after_end", "markdown"]
    assert text.demos == ["d"]  # a demo in an after-block is still the lesson's (its runs are declared)
    checks = text.parts[:2]
    assert text.parts_for({"c"}) == [*checks, ("locked", ("c", "d")), ("markdown", "\nrest\n")]
    opened = [*checks, ("markdown", "\nbecause\n"), ("demo", "d"), ("markdown", "\nrest\n")]
    assert text.parts_for({"c", "d"}) == opened


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (QUESTION + EXPLAINED + "<!-- end -->", "answer"),
        (QUESTION + "<!-- answer: z -->\n" + EXPLAINED + "<!-- end -->", "answer"),
        (QUESTION + "<!-- answer: a -->\n" + EXPLAINED + "<!-- picked: z -->\nn\n<!-- end -->", "picked"),
        (QUESTION + "<!-- answer: a -->\n<!-- if: a -->\nx\n<!-- end -->", "explanation"),
        ("<!-- picked: a -->\nstray", "where it cannot be"),
        ("<!-- end -->", "where it cannot be"),
        (ANSWERED + "<!-- after: c -->\nx\n" + ANSWERED.replace("check: c", "check: d"), "cannot be"),
        (ANSWERED + "<!-- after: c -->\n<!-- after: c -->\n<!-- end -->", "where it cannot be"),
        (ANSWERED + "<!-- after: c -->\nwhy", "no '<!-- end -->'"),
        ("<!-- after: c -->\nwhy\n<!-- end -->\n" + ANSWERED, "must name checks above it"),
        (ANSWERED + "<!-- after: c,z -->\nwhy\n<!-- end -->", "must name checks above it"),
        (QUESTION + "<!-- answer: a -->\n" + EXPLAINED, "no '<!-- end -->'"),
        ("<!-- code: missing.py -->", "No lesson code file"),
        ("<!-- code: stateful_resets.py#missing -->", "no top-level"),
    ],
)
def test_malformed_markers_are_explained(body, problem):
    with pytest.raises(ValueError, match=problem):
        parse_body(body, "bad.md")


def test_code_markers_show_a_whole_file_or_one_definition():
    whole, helper = code_block("stateful_resets.py"), code_block("stateful_resets.py#stateful_layers")
    assert whole.startswith("```python\nimport keras") and "class ResetAtStreamStart" in whole
    assert helper.startswith("```python\ndef stateful_layers(model):") and "class" not in helper
    assert helper.removeprefix("```python\n").removesuffix("```\n") in whole


def test_front_matter_fields_are_required():
    with pytest.raises(ValueError, match="front matter"):
        parse_front_matter("# no front matter", "bad.md")
    with pytest.raises(ValueError, match="key: value"):
        parse_front_matter("---\nno colon here\n---\nbody", "bad.md")
