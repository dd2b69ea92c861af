"""How lesson 6's demos and checks are drawn: the article's idioms on this Keras; random labels; the cue."""

import streamlit as st

from statelab.engine.tasks import TASK_SPECS
from statelab.teaching.lessons.lesson_06 import EXAMPLES, article_shape
from statelab.teaching.presets import PRESETS
from ui.export import render_code_export
from ui.live_results import captured_caption, render_captured, render_comparison


def idioms(preset_id: str) -> list[str]:
    """The article's Keras 2 idioms for an example, one line each."""
    shape = article_shape(preset_id)
    batch_input_shape = f"({shape['batch_size']}, {shape['timesteps']}, {shape['features']})"
    per_step = TASK_SPECS[PRESETS[preset_id].config().task].per_step
    lines = [f"LSTM({shape['units']}, batch_input_shape={batch_input_shape}, stateful=True"]
    lines[0] += ", return_sequences=True)" if per_step else ")"
    if per_step:
        lines.append("TimeDistributed(Dense(1))")
    lines += [
        "for i in range(epochs): model.reset_states(); model.fit(data, labels, epochs=1, shuffle=False)",
        f"model.predict(data, batch_size={shape['batch_size']})  # no reset before it",
    ]
    return lines


def article_examples(values: list) -> None:
    """Each example's idioms beside what this Keras does with them."""
    for tab, preset_id, value in zip(st.tabs(list(EXAMPLES)), EXAMPLES.values(), values, strict=True):
        with tab:
            article, live = st.columns(2, gap="large")
            article.markdown("**What the article writes** (Keras 2 idioms, one line each)")
            for line in idioms(preset_id):
                article.markdown(f"- `{line}`")
            with live:
                st.markdown("**What this Keras does with them**")
                shape = article_shape(preset_id)
                render_captured(idioms(preset_id)[0].replace("LSTM(", "keras.layers.LSTM("), value["model"])
                setup = (f"model = ...  # built with keras.Input(batch_shape=({shape['batch_size']}, ...))",)
                render_captured("model.reset_states()", value["reset_states"], setup)
                captured_caption()


def score_text(value: float, metric: str) -> str:
    """A score as shown in the table: accuracy in percent, error as a plain number."""
    return f"{value * 100:.0f} %" if metric == "accuracy" else f"{value:.3f}"


def show_random(results: list) -> None:
    """Held-out scores of both models against a constant guess, one row per example."""
    rows = [
        {
            "example": label,
            "measure": "accuracy" if result.metric == "accuracy" else "mean squared error",
            "stateful": score_text(result.stateful.score, result.metric),
            "stateless": score_text(result.stateless.score, result.metric),
            "constant guess": score_text(result.chance, result.metric),
        }
        for label, result in zip(EXAMPLES, results, strict=True)
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


def predict_groups(values: list) -> None:
    """Three stream groups in one predict call: one reset before it against the callback in predict."""
    value = values[0]
    ways = {
        "lstm.reset_state(); model.predict(x_test)": value["reset_once_vs_per_group"],
        "model.predict(x_test, callbacks=[reset])": value["callback_vs_per_group"],
    }
    rows = [
        {"predict call": call, **{f"group {index + 1}": f"{gap:.4f}" for index, gap in enumerate(gaps)}}
        for call, gaps in ways.items()
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    exact = "identical to" if value["callback_equals_per_group"] else "different from"
    sizes = value["sizes"]
    st.caption(
        f"A small stateful LSTM (batch size {sizes['batch_size']}, windows of {sizes['timesteps']} steps, "
        f"{sizes['n_windows']} windows per stream) predicts {value['groups']} stream groups in one call. "
        f"Largest difference from the per-group loop, group by group (the outputs are about "
        f"{value['output_size']:.3f} in size); with the callback, the predictions are {exact} the loop's."
    )
    captured_caption()


def code() -> None:
    """The runnable Keras 3 script of one example."""
    label = st.segmented_control("Example", list(EXAMPLES), default=list(EXAMPLES)[0], key="lesson6_code")
    render_code_export(PRESETS[EXAMPLES[label or list(EXAMPLES)[0]]].config())


PARTS = {
    "article_examples": article_examples,
    "predict_groups": predict_groups,
    "state_matters": render_comparison,
    "code": code,
    "random_labels": show_random,
}
