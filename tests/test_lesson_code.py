"""The code the lessons give learners to copy (lessons/code/*.py), run on the installed Keras.

Lesson 4 shows stateful_resets.py and lesson 6 shows article_example_1.py through `<!-- code: -->`
markers, so the text a learner copies is exactly the code tested here (tests/test_keras_facts.py
checks the callback inside fit with validation data, and in predict, through the live demos).
"""

import numpy as np
import pytest

from statelab.teaching.keras_facts_resets import lesson_code
from statelab.teaching.lesson_text import CODE_DIR, code_block, lesson_text


def test_lessons_show_the_tested_files():
    shown = {4: "stateful_resets.py", 6: "article_example_1.py"}
    for number, name in shown.items():
        assert ("code", name) in lesson_text(number).parts, (number, name)  # shown with code_block(name)
        assert (
            code_block(name).removeprefix("```python\n").removesuffix("```\n").strip()
            in (CODE_DIR / name).read_text()
        )


@pytest.mark.training
def test_article_example_1_predicts_exactly_as_the_per_group_loop():
    example = lesson_code("article_example_1")
    batch_size, timesteps, n_windows, groups = example.batch_size, example.timesteps, 2, 3
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2 * n_windows * batch_size, timesteps, 1)).astype("float32")
    y = rng.integers(0, 2, size=(len(x), 1)).astype("float32")
    x_test = rng.normal(size=(groups * n_windows * batch_size, timesteps, 1)).astype("float32")
    model, predictions = example.train_and_predict(x, y, x_test, n_windows, epochs=2)
    layers = lesson_code("stateful_resets").stateful_layers(model)
    assert len(layers) == 1
    expected = []
    for group in range(groups):  # the manual loop: reset, then the group's windows one batch at a time
        layers[0].reset_state()
        for window in range(n_windows):
            start = (group * n_windows + window) * batch_size
            expected.append(np.asarray(model.predict_on_batch(x_test[start : start + batch_size])))
    np.testing.assert_array_equal(predictions, np.concatenate(expected))
    # one reset before a plain predict would not give this: the later groups start from a carried state
    layers[0].reset_state()
    plain = model.predict(x_test, batch_size=batch_size, verbose=0)
    group_size = n_windows * batch_size
    np.testing.assert_array_equal(plain[:group_size], predictions[:group_size])
    assert not np.array_equal(plain[group_size:], predictions[group_size:])
