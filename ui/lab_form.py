"""The Lab's settings: bounded controls with notes beside them, markers of a broken setup, the URL."""

from __future__ import annotations

from dataclasses import asdict, fields
from urllib.parse import urlencode

import streamlit as st

from statelab.engine.config import (
    BOUNDS,
    LAYERS,
    RESET_POLICIES,
    ConfigError,
    LabConfig,
    from_query,
    series_problems,
    to_query,
)
from statelab.engine.tasks import TASK_SPECS
from statelab.teaching.limits import training_warnings
from statelab.teaching.presets import PRESETS
from ui.learner import LEARNER_PARAM

PREFIX = "setting_"
SEEDS_PARAM, PRESET_PARAM = "seeds", "preset"
MAX_SEEDS = 5
LEARNING_RATES = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1]
NUMBER_LABELS = {
    "batch_size": (
        "Batch size (streams side by side)",
        "One state per batch row: row i of every batch is one stream.",
    ),
    "timesteps": ("Timesteps (window length)", "Steps per window: one window is one sample."),
    "n_windows": ("Windows per stream", "A stream is cut into this many consecutive windows."),
    "n_groups": ("Stream groups per epoch", "Groups of batch-size streams trained one after another."),
    "units": ("Units", "Numbers per batch row in each state tensor of the layer."),
    "epochs": ("Epochs", "Passes over all stream groups."),
    "seed": ("Seed", "Same seed, same data, same weights, same numbers."),
    "eval_groups": ("Held-out stream groups", "Groups of fresh streams used to score both models."),
}
SHUFFLE_LABELS: dict[object, tuple[str, str]] = {  # choice -> (label, caption)
    False: ("off: shuffle=False", "correct for stateful"),
    True: ("on: fit(shuffle=True)", "fit's default: permutes the samples every epoch"),
    "batch": ('shuffle="batch"', "fit's batch-wise option (lesson 3 records what it does)"),
}
CORRECT_STATE = {"shuffle": False, "reset": "sequence"}  # how the correct setup treats the state
BREAK_NOTES = {  # shown beside a control that differs from the correct setup
    "shuffle": "the state a row carries comes from another stream.",
    "reset": "the state is not reset at each stream start.",
}
SHORT_NAMES = {
    "task": "task",
    "layer": "layer",
    "batch_size": "batch",
    "timesteps": "steps",
    "n_windows": "windows",
    "n_groups": "groups",
    "units": "units",
    "epochs": "epochs",
    "learning_rate": "learning rate",
    "shuffle": "shuffle",
    "reset": "reset",
    "seed": "seed",
    "eval_groups": "held-out groups",
    "period": "season",
}


def widget_key(name: str) -> str:
    """Session-state key of a setting's widget."""
    return PREFIX + name


def load_config(config: LabConfig, n_seeds: int | None = None) -> None:
    """Put a config (and a number of seeds, if given) into the controls: used by presets and links."""
    for name, value in asdict(config).items():
        if name == "series" and not value:  # a preset does not forget the series a learner uploaded
            st.session_state.setdefault(widget_key(name), value)
        else:
            st.session_state[widget_key(name)] = value
    if n_seeds is not None:
        st.session_state[widget_key("n_seeds")] = n_seeds


def chosen_seeds() -> int:
    """The number of seeds the learner chose (presets use it too)."""
    return st.session_state.get(widget_key("n_seeds"), 1)


def read_url() -> tuple[LabConfig, int, str, list[str], bool]:
    """(config, seeds, preset id, notes, whether the link names a preset or a setting) from the URL."""
    return read_query({name: st.query_params[name] for name in st.query_params if name != LEARNER_PARAM})


def read_query(query: dict[str, str]) -> tuple[LabConfig, int, str, list[str], bool]:
    """(config, seeds, preset id, notes, whether it names a preset or a setting) from a link's query."""
    params = dict(query)
    text = params.pop(SEEDS_PARAM, "1")
    valid = text.isdigit() and 1 <= int(text) <= MAX_SEEDS
    n_seeds = int(text) if valid else 1
    notes = [] if valid else [f"Ignored seeds={text!r} from the link: use 1 to {MAX_SEEDS} seeds."]
    preset = params.pop(PRESET_PARAM, "")
    if preset in PRESETS:
        return PRESETS[preset].config(), n_seeds, preset, notes, True
    if preset:
        notes.append(f"Ignored preset={preset!r} from the link: there is no such preset.")
    config, config_notes = from_query(params)
    return config, n_seeds, "", notes + config_notes, bool(params) or bool(notes)


def run_query(config: LabConfig, n_seeds: int, preset: str = "") -> dict[str, str]:
    """A run's query: its preset, or every setting that differs from the defaults; seeds."""
    query = {PRESET_PARAM: preset} if preset else to_query(config)
    if n_seeds > 1:
        query[SEEDS_PARAM] = str(n_seeds)
    return query


def write_url(config: LabConfig, n_seeds: int, preset: str = "") -> None:
    """The run's link in the address bar (a reload shows the run again; the learner's id is in a cookie)."""
    st.query_params.from_dict(run_query(config, n_seeds, preset))


def share_link(config: LabConfig, n_seeds: int, preset: str = "") -> str:
    """The run's link: whoever opens it sees this run, in a record of their own (the id is in a cookie)."""
    address = (st.context.url or "/lab").split("?")[0]  # None where no browser asked (AppTest)
    query = urlencode(run_query(config, n_seeds, preset))
    return f"{address}?{query}" if query else address


def read_form() -> tuple[LabConfig | None, int, list[tuple[str, str]]]:
    """The config the controls describe, the number of seeds, and any problems with it."""
    values = {field.name: st.session_state[widget_key(field.name)] for field in fields(LabConfig)}
    if values["task"] != "own_series":  # an uploaded series and its season stay ready for later, but
        values["series"], values["period"] = "", 0  # only that task uses them
    try:
        config = LabConfig(**values)
    except ConfigError as error:
        return None, chosen_seeds(), error.problems
    problems = series_problems(config)  # the series a config names is read from disk only here
    return (None if problems else config), chosen_seeds(), problems


def setting_text(name: str, value: object) -> str:
    """One setting in a few words: "batch 8", "shuffle on", "reset never"."""
    if name == "shuffle":
        return {False: "shuffle off", True: "shuffle on"}.get(value, f"shuffle={value!r}")
    if name == "task":
        return TASK_SPECS[value].title if value in TASK_SPECS else str(value)
    if name == "layer":
        return f"{LAYERS.get(value, value)} layer"
    return (
        f"{SHORT_NAMES[name]} {value:g}" if isinstance(value, int | float) else f"{SHORT_NAMES[name]} {value}"
    )


def setting_changes(values: dict, base: dict) -> list[str]:
    """The settings of `values` (a config as a dict) that differ from `base`, in a few words each.

    A setting missing from a dict (a run kept from before it existed) has its default value.
    """
    defaults = asdict(LabConfig())
    values, base = {**defaults, **values}, {**defaults, **base}
    return [setting_text(name, values[name]) for name in SHORT_NAMES if values[name] != base[name]]


def back_to_correct() -> None:
    """Put shuffle and reset back to the correct setup, keeping every other setting."""
    for name, value in CORRECT_STATE.items():
        st.session_state[widget_key(name)] = value


# Notes that come and go sit in a container that is always there: the controls after them keep their
# places, so an edit never makes the browser draw a control twice while the column reruns.
Notes = dict[str, list[tuple[str, str]]]  # setting -> [("error" or "warning", text)]


def collect_notes(config: LabConfig | None, problems: list[tuple[str, str]]) -> Notes:
    """What to say under each control before training: why a value cannot work (`problems`), or that
    the task was not measured to learn with it (`training_warnings`)."""
    warnings = training_warnings(config) if config else []
    notes: Notes = {}
    for kind, pairs in (("error", problems), ("warning", warnings)):
        for name, text in pairs:
            notes.setdefault(name, []).append((kind, text))
    return notes


def _notes(names: list[str], notes: Notes) -> None:
    """The notes of these settings, in their slot: an error in red; a warning's first sentence in
    orange, with the measurement behind it one click away."""
    with st.container():
        for kind, text in (note for name in names for note in notes.get(name, [])):
            if kind == "error":
                st.error(text, icon=":material/warning:")
                continue
            rule, _, measured = text.partition(". ")
            st.warning(rule.rstrip(".") + ".", icon=":material/info:")
            if measured:
                with st.expander("How this was measured"):
                    st.caption(measured)


def _break_marker(name: str) -> None:
    """A visible marker under a control that differs from the correct setup."""
    slot = st.empty()
    if st.session_state[widget_key(name)] != CORRECT_STATE[name]:
        slot.markdown(f":orange-background[:material/warning: **Break it is on**: {BREAK_NOTES[name]}]")


def render_numbers(notes: Notes) -> None:
    """The number inputs, two a row; the notes of a row under it, at the column's full width."""
    names = list(NUMBER_LABELS)
    for pair in (names[index : index + 2] for index in range(0, len(names), 2)):
        for column, name in zip(st.columns(2, vertical_alignment="bottom"), pair, strict=True):
            low, high = BOUNDS[name]
            label, help_text = NUMBER_LABELS[name]
            column.number_input(
                label, min_value=int(low), max_value=int(high), step=1, key=widget_key(name), help=help_text
            )
        _notes(pair, notes)


def render_state_choices(notes: Notes) -> None:
    """Shuffle and reset, each option with room for its explanation, and the break-it markers."""
    st.radio(
        "Shuffle",
        list(SHUFFLE_LABELS),
        key=widget_key("shuffle"),
        format_func=lambda choice: SHUFFLE_LABELS[choice][0],
        captions=[caption for _, caption in SHUFFLE_LABELS.values()],
    )
    _break_marker("shuffle")
    _notes(["shuffle"], notes)
    st.radio(
        "Reset the state",
        list(RESET_POLICIES),
        key=widget_key("reset"),
        captions=list(RESET_POLICIES.values()),
    )
    _break_marker("reset")
    _notes(["reset"], notes)
    slot = st.empty()
    if any(st.session_state[widget_key(name)] != value for name, value in CORRECT_STATE.items()):
        slot.button(
            "Back to the correct setup",
            key="back_to_correct",
            icon=":material/undo:",
            on_click=back_to_correct,
            help="Shuffle off and a reset at every stream start; your other settings stay.",
            width="stretch",
        )


def render_controls(notes: Notes) -> None:
    """Every setting's control, with its notes right under it."""
    st.selectbox(
        "Task",
        list(TASK_SPECS),
        key=widget_key("task"),
        format_func=lambda task: TASK_SPECS[task].title,
        help="What the models learn.",
    )
    _notes(["task", "series"], notes)
    st.selectbox(
        "Recurrent layer",
        list(LAYERS),
        key=widget_key("layer"),
        format_func=lambda layer: f"keras.layers.{LAYERS[layer]}",
        help="The Keras layer both models use. The carried-state view shows every state tensor it keeps.",
    )
    _notes(["layer"], notes)
    render_numbers(notes)
    rates = sorted({*LEARNING_RATES, st.session_state[widget_key("learning_rate")]})
    st.select_slider("Learning rate (Adam)", rates, key=widget_key("learning_rate"))
    _notes(["learning_rate"], notes)
    render_state_choices(notes)


def render_untrained_changes(config: LabConfig | None, n_seeds: int, state) -> None:
    """Under the Train button: what the controls changed since the run on the page, if anything."""
    slot, shown = st.empty(), state.pending or state.shown
    if config is None or shown is None or state.question:
        return
    changed = setting_changes(asdict(config), asdict(shown.config))
    if n_seeds != shown.n_seeds:
        changed.append(f"{n_seeds} seed" + ("s" if n_seeds > 1 else ""))
    if changed:
        slot.caption(f":material/edit: Not trained yet: {', '.join(changed)}.")
