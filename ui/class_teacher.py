"""The teacher's class page: start a class, show how to join, ask, watch the answers, reveal, end."""

from __future__ import annotations

import base64
import time

import streamlit as st

from statelab.charts.class_answers import plot_answers, qr_png
from statelab.charts.text import figure_text
from statelab.server.class_records import ClassState, format_code
from statelab.server.class_report import build_record, people_csv, record_csv, record_summary, summary_rows
from statelab.server.classroom import Classroom
from ui.class_mode import (
    TEACHER,
    UNREACHABLE,
    attempt,
    classroom,
    forget_token,
    join_url,
    keep_token,
    reachable_only_here,
    render_class_title,
    render_projector_toggle,
    render_token_cookie,
    saved_token,
    url_code,
)
from ui.class_questions import all_questions, picker_label, prepare, render_reveal
from ui.database import render_retry
from ui.export import render_download

TEACHER_REFRESH = 1.0  # seconds between refreshes of the answer chart (it must follow within about 2 s)
CHART_CONFIG = {"displaylogo": False, "staticPlot": True}
ENDED_KEY = "class_ended"
BY_LEARNER_KEY = "class_record_by_learner"  # kept in the session: a rerun never unticks it
AGAIN_HELP = "After the class has discussed: a second vote; both votes stay on the chart. Reveal comes after."
REVEAL_NOW_HELP = "Show the experiment without a second vote."
AFTER_HELP = "A second vote after the reveal (peer instruction takes it before: use it only if you mean to)."
# Streamlit lays columns out for a phone below 640 px: there the summary's six columns would scroll
# sideways, so a phone shows one card per question instead of the table (the other is hidden).
SUMMARY_CSS = """<style>
@media (max-width: 640px) {.st-key-class_summary_table {display: none;}}
@media (min-width: 641px) {.st-key-class_summary_cards {display: none;}}
</style>"""


def render_teacher_page() -> None:
    """The whole teacher page: a start button, or the running class this browser started."""
    opened, room = attempt(classroom)  # its first use creates the tables: the database must answer
    if not opened:
        render_retry()
        return
    code = url_code()
    token = saved_token(TEACHER, code) if code else None
    projector = render_projector_toggle()
    ok, state = attempt(lambda: room.state(code)) if code and token else (False, None)
    if state is UNREACHABLE:
        render_retry()
        return
    teacher = ok and attempt(lambda: room.is_teacher(code, token))[1]
    if not teacher:  # a forged or stale cookie shows no teacher control (every action would be refused)
        render_start(room, code if ok or not token else None)
        return
    render_join(code, projector, asking=state.question is not None)
    render_question(room, code, token, state, projector)
    if not projector:
        render_people(room, code, token)
        render_record(room, code, token)
        render_end(room, code, token)
    render_token_cookie(TEACHER, code)


def render_start(room: Classroom, foreign_code: str | None) -> None:
    """What class mode is, and the button that starts a class."""
    st.title("Class mode")
    if st.session_state.pop(ENDED_KEY, False):
        st.success("The class has ended: its answers and names are deleted.", icon=":material/check_circle:")
    if foreign_code:
        st.info(
            f"This browser did not start class {format_code(foreign_code)}, so it cannot run it. Learners "
            "join it at the join link; to run it, open this page in the browser that started it.",
            icon=":material/info:",
        )
    st.markdown(
        "The whole class predicts, then the experiment reveals. Start a class, project this page, and "
        "learners join from the link or QR code on their own devices, with no account and no name needed. "
        "Pick a question (any lesson check or Lab preset): the answers gather on the chart without "
        "revealing the result. Let the class discuss, **Ask again** for a second vote, then **Reveal**: "
        "the experiment runs beside both votes."
    )
    if st.button("Start a class", type="primary", icon=":material/groups:"):
        started, new = attempt(room.start)
        if started:
            keep_token(TEACHER, new.code, new.teacher_token, new.expires_at)
            st.query_params["code"] = new.code
            st.rerun()
    st.caption(
        f"A class lasts {room.hours:g} hours; then the class, its answers and any names are deleted. "
        "Learners' names are shown to you only, never to other learners or on the projector."
    )


def render_join(code: str, projector: bool, asking: bool) -> None:
    """The class code, the join link and its QR code: large while the class joins, smaller once a question
    is open, so the question and its answers fit on the screen below it."""
    url = join_url(code)
    text, picture = st.columns([3, 1], vertical_alignment="center")
    render_class_title(code, text)
    text.markdown(f"Join at **[{url}]({url})**, or scan the code.")
    if reachable_only_here(url) and not projector:
        text.warning(
            "This link names this computer only: learners' devices cannot open it. Open this page by the "
            "computer's network address (or set STATELAB_PUBLIC_URL) so the link and QR code work for them.",
            icon=":material/wifi_off:",
        )
    size = (150 if projector else 110) if asking else (260 if projector else 180)
    image = base64.b64encode(qr_png(url)).decode()
    picture.html(
        f'<img src="data:image/png;base64,{image}" width="{size}" height="{size}" '
        f'alt="QR code of the join link for class {format_code(code)}">'
    )


def render_question(room: Classroom, code: str, token: str, state: ClassState, projector: bool) -> None:
    """The open question, the live answers, the controls and, once revealed, the experiment beside them."""
    if state.question is None:
        st.info("Pick a question to ask the class.", icon=":material/quiz:")
    else:
        st.markdown(f"### {state.question.title}")
        st.markdown(state.question.text)
    if state.revealed:
        answers, result = st.columns(2, gap="large")
        with answers:
            render_answers(room, code, token, projector)
        with result:
            render_result(room, code, token, state)
    elif state.question is not None:
        render_answers(room, code, token, projector)
    render_controls(room, code, token, state)
    picker = st.expander("Next question", expanded=state.question is None) if projector else st.container()
    with picker:
        render_picker(room, code, token, state)


@st.fragment(run_every=TEACHER_REFRESH)
def render_answers(room: Classroom, code: str, token: str, projector: bool) -> None:
    """The class's answers so far, refreshed every TEACHER_REFRESH seconds."""
    read, state = attempt(lambda: room.state(code))
    counted, tally = attempt(lambda: room.tally(code, token))
    if not (read and counted) or state.question is None:
        return
    answered = sum(tally.counts.get(state.poll, {}).values())
    vote = " the second vote" if state.poll == 2 else ""
    st.markdown(f"**{answered}** of **{tally.joined}** learners answered{vote}")
    figure = plot_answers(state.question.options, tally.counts, state.outcome, large=projector)
    st.plotly_chart(
        figure, width="stretch", config=CHART_CONFIG, key="class_answers_chart", alt=figure_text(figure)
    )


def render_result(room: Classroom, code: str, token: str, state: ClassState) -> None:
    """Run or fetch the experiment, show it, and record the option it showed (the chart marks it)."""
    st.markdown("#### :material/science: The experiment")
    outcome = render_reveal(state.question)
    if outcome is None:
        return
    st.success(f"**The run shows:** {state.question.options[outcome]}", icon=":material/check_circle:")
    if outcome != state.outcome:
        attempt(lambda: room.reveal(code, token, outcome=outcome))


def render_controls(room: Classroom, code: str, token: str, state: ClassState) -> None:
    """Peer instruction's order: a first vote, Ask again after discussion, then Reveal. Reveal can come
    before a second vote, and a vote after the reveal stays possible, as the teacher's choice."""
    if state.question is None:
        return
    first, second, _ = st.columns([1, 1, 2])
    if state.poll == 1 and not state.revealed:
        again = first.button("Ask again", type="primary", icon=":material/replay:", help=AGAIN_HELP)
        reveal = second.button("Reveal now", icon=":material/visibility:", help=REVEAL_NOW_HELP)
    elif not state.revealed:
        again, reveal = False, first.button("Reveal", type="primary", icon=":material/visibility:")
    else:
        again = state.poll == 1 and first.button("Vote again", icon=":material/replay:", help=AFTER_HELP)
        reveal = False
    action = room.ask_again if again else room.reveal if reveal else None
    if action and attempt(lambda: action(code, token))[0]:
        st.rerun()


def render_picker(room: Classroom, code: str, token: str, state: ClassState) -> None:
    """Choose any lesson check or Lab preset and put it to the class."""
    questions = all_questions()
    ids = list(questions)
    current = state.question.id if state.question and state.question.id in questions else ids[0]
    picked = st.selectbox(
        "Question", ids, index=ids.index(current), format_func=lambda key: picker_label(questions[key])
    )
    label = "Ask the class" if state.question is None else "Ask this question"
    if st.button(label, icon=":material/send:", type="secondary" if state.question else "primary"):
        asked, _ = attempt(lambda: room.ask(code, token, questions[picked]))
        if asked:
            prepare(questions[picked])
            st.rerun()


def render_people(room: Classroom, code: str, token: str) -> None:
    """The names learners gave: for the teacher only, never on the projector."""
    with st.expander("Who has joined (not shown in projector mode)"):
        read, names = attempt(lambda: room.names(code, token))
        if read:
            st.text(", ".join(names) if names else "Nobody has given a name: everyone is anonymous.")


def render_record(room: Classroom, code: str, token: str) -> None:
    """The class's record to download before it is deleted: a CSV, a one-page summary, names if asked."""
    with (
        st.container(key="class_record"),
        st.expander("The class's record (download it before you end the class)"),
    ):
        read, rows = attempt(lambda: room.record(code, token))
        if not read:
            return
        records, people = build_record(*rows)
        if not records:
            st.caption("Nothing to record yet: ask a question first.")
            return
        st.caption(
            "Each question, the first and second vote, what the run showed, the share right before and "
            "after discussion, and the gain. No learner is named in these two files."
        )
        stem = f"class-{format_code(code)}-{time.strftime('%Y-%m-%d')}"
        today = time.localtime()
        summary = record_summary(
            code, records, len(people), f"{today.tm_mday} {time.strftime('%B %Y', today)}"
        )
        csv_column, summary_column = st.columns(2)
        render_download(
            "Download the record (CSV)",
            record_csv(records),
            f"{stem}.csv",
            "text/csv",
            where=csv_column,
            icon="table",
        )
        render_download(
            "Download the summary (one page)",
            summary,
            f"{stem}.md",
            "text/markdown",
            where=summary_column,
            icon="description",
        )
        st.session_state[BY_LEARNER_KEY] = st.session_state.get(BY_LEARNER_KEY, False)  # kept while hidden
        if st.checkbox("Also the answers of each learner, with the names they gave", key=BY_LEARNER_KEY):
            by_learner = people_csv(records, people)
            render_download(
                "Download the answers by learner (CSV, with names)",
                by_learner,
                f"{stem}-by-learner.csv",
                "text/csv",
                icon="badge",
            )
        render_summary(summary_rows(records))


def render_summary(rows: list[dict[str, str]]) -> None:
    """The summary's table as the file has it; on a phone, the same rows as one card per question."""
    st.html(SUMMARY_CSS)
    with st.container(key="class_summary_table"):
        st.table(rows, hide_index=True)
    with st.container(key="class_summary_cards"):
        for row in rows:
            (_, number), (_, question), *rest = row.items()
            lines = [f"**{number}. {question}**", *(f"{name}: {value}" for name, value in rest)]
            st.markdown("  \n".join(lines))


def render_end(room: Classroom, code: str, token: str) -> None:
    """End the class now: everything it holds is deleted."""
    with st.expander("End the class"):
        st.caption(
            "Ending deletes the class, every answer and every name at once: download its record first."
        )
        st.button(
            "End the class and delete its answers",
            icon=":material/delete:",
            on_click=_end_class,
            args=(room, code, token),
        )


def _end_class(room: Classroom, code: str, token: str) -> None:
    """The End button's callback: it runs before the page does, so the page is drawn once, ended.

    Ending in the page's run stopped that run with a rerun after the record's buttons were drawn
    again; the next run let their files go while the browser was still checking them (a 404 seen
    in a fresh-clone run).
    """
    ended, _ = attempt(lambda: room.close(code, token))
    if ended:
        forget_token(TEACHER, code)
        st.query_params.pop("code", None)
        st.session_state[ENDED_KEY] = True
