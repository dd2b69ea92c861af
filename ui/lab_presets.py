"""The Lab's presets, predict first: a preset loads its settings and asks; a button runs it; then the answer.

Nothing before the run says what will happen: no tooltip, no expectation. The expectation is shown
beside the result, with whether the learner's prediction held.
"""

from __future__ import annotations

import streamlit as st

from statelab.engine.results import LabResult
from statelab.teaching.judges import preset_outcome
from statelab.teaching.presets import PRESETS
from ui import lab_form
from ui.lab_state import ANSWER_PREFIX, LabState, Run, lab_state, preset_answer
from ui.learner import forget_answers, save_answer
from ui.predict import render_held, render_prediction

LESSON_5 = "views/lesson_5.py"


def _seeds(preset_id: str) -> int:
    """The seeds a preset runs on: the learner's choice, or more where the preset's effect depends on it."""
    return max(PRESETS[preset_id].seeds, lab_form.chosen_seeds())


def _ask(preset_id: str) -> None:
    lab_state().ask(preset_id, _seeds(preset_id))


def _run(preset_id: str) -> None:
    """Keep the prediction, then run the preset's settings (even if the learner edited them meanwhile)."""
    save_answer(ANSWER_PREFIX + preset_id, st.session_state[f"predict_{preset_id}"])
    config, n_seeds = PRESETS[preset_id].config(), _seeds(preset_id)
    lab_form.load_config(config, n_seeds)
    lab_state().start(Run(config, n_seeds, preset_id))


def _ask_again(preset_id: str) -> None:
    forget_answers([ANSWER_PREFIX + preset_id])
    st.session_state.pop(f"predict_{preset_id}", None)


def render_preset_buttons() -> None:
    """One button per preset, in reading order at every width, and the way to lesson 5's live demo."""
    expander = st.expander("Presets: predict, then run", expanded=True, icon=":material/quiz:")
    with expander, st.grid(4, min_column_width=150, gap="small"):
        for preset in PRESETS.values():
            st.button(  # a long title wraps onto a second line on a phone, never cut off
                preset.title,
                key=f"preset_{preset.id}",
                on_click=_ask,
                args=(preset.id,),
                width="stretch",
                wrap=True,
            )
        if st.button(
            "Break it: predict with another batch size",
            key="lesson_5_link",
            icon=":material/school:",
            type="tertiary",
            help="Opens lesson 5: a live Keras demo of predicting with another batch size, and its fix.",
            width="stretch",
            wrap=True,
        ):
            st.switch_page(LESSON_5)


def render_question(state: LabState):
    """The open preset's question in a box; the box once the learner has predicted (its run may be shown)."""
    preset = PRESETS[state.question]
    record = preset_answer(preset.id)
    box = st.container(border=True, key="preset_question")
    with box:
        st.markdown(f"##### :material/psychology_alt: Predict first: {preset.title}")
        st.markdown(preset.question)
        picked = record["picked"] if record else None
        run_help = "Train both models with these settings."
        render_prediction(
            preset.options, picked, f"predict_{preset.id}", "run_preset", _run, (preset.id,), run_help
        )
        if record is None:
            return None
        if state.pending is None and (state.shown is None or state.shown.preset != preset.id):
            state.start(Run(preset.config(), _seeds(preset.id), preset.id))  # e.g. after a reload
    return box


def render_answer(state: LabState, results: list[LabResult]) -> None:
    """Beside the result of a preset's run: whether the prediction held, and what happens over seeds."""
    preset = PRESETS[state.question]
    record = preset_answer(preset.id)
    outcome = preset_outcome(preset.id, results)
    if record["outcome"] != outcome:
        record = save_answer(ANSWER_PREFIX + preset.id, record["picked"], outcome)
    render_held(preset.options, record["picked"], outcome)
    st.markdown(f"**What to expect:** {preset.expectation}")
    st.button("Ask me again", key="ask_again", type="tertiary", on_click=_ask_again, args=(preset.id,))


def seeds_param(seeds: int) -> dict[str, str]:
    """The seeds a link asks the Lab for, when more than one."""
    return {"seeds": str(seeds)} if seeds > 1 else {}


def render_lab_links(preset_ids: tuple[str, ...] | list[str]) -> None:
    """One link per preset: the Lab opens with the preset loaded and asks for a prediction before it runs."""
    for preset_id in preset_ids:
        st.page_link(
            "views/lab.py",
            label=f"Lab: {PRESETS[preset_id].title}",
            icon=":material/science:",
            query_params={"preset": preset_id} | seeds_param(PRESETS[preset_id].seeds),
            help="Opens the Lab with this preset's settings; you predict the result before it runs.",
        )
