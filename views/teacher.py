"""Teacher view: the lesson plan by track, questions with options, answer key, print and download."""

import streamlit as st

from statelab.teaching.lesson_plan import (
    answer_key,
    load_tracks,
    numbered_checks,
    plan_intro,
    plan_markdown,
    plan_table,
    question_block,
)
from ui.export import render_download
from ui.lab_presets import render_lab_links
from ui.lesson_page import SCREEN_KEY, lesson_page, render_print_only

tracks = {track.id: track for track in load_tracks()}
DENSE_LESSONS = 8  # a plan of more lessons prints in three columns of smaller type, to stay on one A4 page


def base_url() -> str:
    """The app's address as the browser sees it, ending in '/', or '' when unknown."""
    url = st.context.url or ""
    return url.rsplit("/", 1)[0] + "/" if url else ""


def chosen_track() -> str:
    """The track in the URL (?track=ID, so a plan link opens the same track), else the first one."""
    asked = st.query_params.get("track")
    return asked if asked in tracks else next(iter(tracks))


with st.container(key=SCREEN_KEY):
    st.title("Lesson plan")
    st.markdown(plan_intro())
    st.session_state.setdefault("plan_track", chosen_track())
    track_id = st.radio("Track", list(tracks), key="plan_track", format_func=lambda key: tracks[key].label)
    st.query_params["track"] = track_id
    track = tracks[track_id]
    st.markdown(plan_table(track))
    download, hint = st.columns([1, 2], vertical_alignment="center")
    render_download(
        "Download the plan (Markdown)",
        plan_markdown(track, base_url()),
        f"stateful_lstm_lesson_plan_{track_id}.md",
        "text/markdown",
        where=download,
    )
    hint.caption(":material/print: Print this page for one A4 sheet: the plan with its links written out.")
    st.subheader("Lesson cards")
    for start in range(0, len(track.lessons), 2):  # rows of two, so cards read left to right
        for column, item in zip(st.columns(2, gap="large"), track.lessons[start : start + 2], strict=False):
            with column, st.container(border=True):
                st.page_link(lesson_page(item), label=f"**{item.number}. {item.title}** · {item.minutes} min")
                st.caption(item.goal)
                for label, check in numbered_checks((item,)):
                    st.markdown("\n".join(question_block(label, check)))
                render_lab_links(item.presets)
    with st.expander("Answer key (keep it off the projector)", icon=":material/key:"):
        st.markdown("\n".join(answer_key(track.lessons)))

render_print_only(plan_markdown(track, base_url()), dense=len(track.lessons) > DENSE_LESSONS)
