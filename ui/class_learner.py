"""The learner's class page: type or follow a code, join (a name is optional), answer, see the reveal."""

from __future__ import annotations

import streamlit as st

from statelab.server.class_records import MAX_NAME, ClassState, format_code, normalize_code
from statelab.server.classroom import Classroom
from ui.class_mode import (
    LEARNER,
    UNREACHABLE,
    attempt,
    classroom,
    keep_token,
    learner_refresh,
    render_class_title,
    render_token_cookie,
    saved_token,
    url_code,
)
from ui.database import render_retry

ENDED = (
    "Class {code} has ended: the teacher closed it, or its time ran out, and its answers and names are "
    "deleted. Thank you for taking part. To join another class, type its code below."
)
NAME_KEY = "class_join_name"
PICK_FIRST_KEY = "class_pick_first"  # set when Send was pressed with no option picked


def render_learner_page() -> None:
    """The whole learner page: the code form, the join form, or the class's open question."""
    opened, room = attempt(classroom)  # its first use creates the tables: the database must answer
    if not opened:
        render_retry()
        return
    code = url_code()
    token = saved_token(LEARNER, code) if code else None
    ended = ENDED.format(code=format_code(code)) if token else ""  # this browser was in that class
    read, state = (
        attempt(lambda: room.state(st.query_params["code"]), ended=ended)
        if "code" in st.query_params
        else (False, None)
    )
    if state is UNREACHABLE:
        render_retry()
        return
    if not read:
        render_code_form()
        return
    known, answers = attempt(lambda: room.my_answers(code, token)) if token else (True, None)
    if answers is UNREACHABLE:
        render_retry()
    if not known:
        return
    if answers is None:
        render_join_form(room, state, token)
        return
    render_class_title(code)
    render_open_question(room, state, token, answers)
    watch_class(room, code, moment(state))
    render_token_cookie(LEARNER, code)


def render_code_form() -> None:
    """Ask for the class code shown on the teacher's screen."""
    st.title("Join a class")
    with st.form("class_code_form", border=False):
        typed = st.text_input(
            "Class code", max_chars=9, placeholder="e.g. 7KQ4-MX9P", help="The code on the teacher's screen."
        )
        if st.form_submit_button("Join", type="primary", icon=":material/login:"):
            checked, code = attempt(lambda: normalize_code(typed))
            if checked:
                st.query_params["code"] = code
                st.rerun()


def render_join_form(room: Classroom, state: ClassState, token: str | None) -> None:
    """Join with an optional display name (joined before the page is drawn again: one script run)."""
    st.title("Join the class")
    st.markdown(f"Class code **{format_code(state.code)}**")
    with st.form("class_join_form", border=False):
        st.text_input(
            "Your name (optional)",
            max_chars=MAX_NAME,
            placeholder="Leave empty to stay anonymous",
            key=NAME_KEY,
        )
        st.caption("Only the teacher sees your name, never the other learners or the projector.")
        st.form_submit_button(
            "Join the class",
            type="primary",
            icon=":material/login:",
            on_click=join,
            args=(room, state, token),
        )


def join(room: Classroom, state: ClassState, token: str | None) -> None:
    """The join button's callback: join the class and keep the learner's token in this browser."""
    name = st.session_state.get(NAME_KEY, "")
    joined, new_token = attempt(lambda: room.join(state.code, name, learner_token=token))
    if joined:
        keep_token(LEARNER, state.code, new_token, state.expires_at)


def moment(state: ClassState) -> tuple:
    """What a learner's page depends on: the question asked, its poll, and what has been revealed."""
    return state.ask, state.poll, state.revealed, state.outcome


def watch_class(room: Classroom, code: str, shown: tuple) -> None:
    """Look at the class every few seconds; redraw the page when the teacher asks, asks again or reveals.

    The interval follows the number of learners on the server (`learner_refresh`); a fragment's
    interval is fixed when it is defined, so the page is redrawn when the interval of the moment
    differs. The answer form stays outside this fragment, so a learner's click never meets a refresh.
    """
    every = learner_refresh()

    @st.fragment(run_every=every)
    def look() -> None:
        try:
            changed = moment(room.state(code)) != shown
        except Exception:  # ended, or the database is away: the whole page says which
            changed = True
        if changed or learner_refresh() != every:
            st.rerun()

    look()


def render_open_question(room: Classroom, state: ClassState, token: str, answers: dict[int, str]) -> None:
    """The question the teacher asked, with this learner's answer (which they may change until the reveal)."""
    if state.question is None:
        st.info("You are in. The teacher's question will appear here.", icon=":material/hourglass_top:")
        return
    options = state.question.options
    st.markdown(state.question.text)
    if state.poll == 2:
        first = options.get(answers.get(1), "no answer")
        st.markdown(f"**Second vote, after discussion.** Your first answer: {first}.")
    current = answers.get(state.poll)
    if state.revealed:  # a learner who kept their first answer in the second vote is judged on it
        render_revealed(state, current or answers.get(1))
        return
    render_answer_form(room, state, token, current)
    if current is not None:
        st.success(
            f"**Your answer:** {options[current]}. You can change it until the teacher reveals.",
            icon=":material/how_to_vote:",
        )


def render_answer_form(room: Classroom, state: ClassState, token: str, current: str | None) -> None:
    """The options and the send button, in a form: picking sends nothing, the button sends the pick.

    One message and one script run per answer, whatever the learner clicked before sending (a radio
    outside a form would rerun the page at every pick, and Streamlit ignores a button that was disabled).
    """
    options = state.question.options
    keys, key = list(options), f"class_answer_{state.ask}_{state.poll}"
    with st.form(f"class_answer_form_{state.ask}_{state.poll}", border=False):
        st.radio(
            "Your answer",
            keys,
            index=keys.index(current) if current in keys else None,
            format_func=options.get,
            key=key,
        )
        st.form_submit_button(
            "Send my answer" if current is None else "Change my answer",
            type="primary",
            icon=":material/send:",
            on_click=send,
            args=(room, state, token, key),
        )
    if st.session_state.pop(PICK_FIRST_KEY, False):
        st.warning("Pick one of the answers, then send it.", icon=":material/touch_app:")


def send(room: Classroom, state: ClassState, token: str, key: str) -> None:
    """The send button's callback: store the picked answer to the question the page showed."""
    picked = st.session_state.get(key)
    if picked is None:
        st.session_state[PICK_FIRST_KEY] = True
        return
    attempt(lambda: room.answer(state.code, token, picked, ask=state.ask, poll=state.poll))


def render_revealed(state: ClassState, current: str | None) -> None:
    """Answers are closed: this learner's answer and, once the run is done, what it showed."""
    options = state.question.options
    mine = options[current] if current else "none"
    if state.outcome is None:
        st.info(
            f"Answers are closed; the teacher is running the experiment. Your answer: {mine}.",
            icon=":material/science:",
        )
        return
    shown = options[state.outcome]
    if current == state.outcome:
        st.success(f"**Your prediction held.** The run shows: {shown}.", icon=":material/check_circle:")
    else:
        st.warning(f"**The run shows:** {shown}. Your answer: {mine}.", icon=":material/lightbulb:")
