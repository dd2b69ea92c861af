"""The verdict's wording follows the numbers and the config (hand-made results)."""

import numpy as np

from statelab import LabConfig
from statelab.results import LabResult, ModelResult
from statelab.verdict import spread, verdict


def result(config: LabConfig, stateful: list, stateless: list, chance: float = 0.5) -> LabResult:
    def model(mode: str, by_window: list[float]) -> ModelResult:
        empty = np.zeros((1, len(by_window)))
        return ModelResult(mode, "accuracy", np.ones(2), np.array(by_window), empty, empty, 1.0)

    return LabResult(config, model("stateful", stateful), model("stateless", stateless), chance)


def test_stateful_win_names_the_first_window():
    text = verdict([result(LabConfig(), [1.0] * 4, [1.0, 0.5, 0.5, 0.5])])
    assert text.startswith("Stateful 100 %, stateless 62 %")
    assert "first window 100 %, later windows 50 %" in text


def test_broken_state_is_explained_not_called_unlearnable():
    never = verdict([result(LabConfig(reset="never"), [0.45] * 4, [1.0, 0.45, 0.45, 0.45], chance=0.55)])
    assert "previous streams' state leaks" in never and "nothing to learn" not in never
    shuffled = verdict([result(LabConfig(shuffle=True), [0.5] * 4, [1.0, 0.5, 0.5, 0.5])])
    assert "shuffle=True" in shuffled


def test_random_labels_and_control():
    article = verdict([result(LabConfig(task="article_binary"), [0.52] * 4, [0.51] * 4, chance=0.53)])
    assert "labels are random" in article
    control = verdict([result(LabConfig(task="control"), [0.9] * 4, [0.91] * 4)])
    assert "about equal" in control


def test_several_seeds_show_their_spread():
    runs = [result(LabConfig(seed=s), [v] * 4, [0.6] * 4) for s, v in enumerate([0.5, 1.0, 1.0])]
    assert "50–100 % (mean 83 %, 3 seeds)" in verdict(runs)
    assert spread([0.1, 0.2], percent=False) == "0.100–0.200 (mean 0.150, 2 seeds)"
