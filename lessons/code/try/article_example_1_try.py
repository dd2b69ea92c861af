"""Run example 1 end to end on data like the article's: random inputs and random 0/1 labels, laid out
as lesson 2 shows (batch k of a group holds window k of each of the group's `batch_size` streams),
`n_windows` windows per stream. It prints the held-out accuracy by window position beside the accuracy
of always guessing the most common label: predict how they compare before you run it. Then put your
own data in `x`, `y` and `x_test`, laid out the same way."""

import numpy as np
from article_example_1 import batch_size, features, timesteps, train_and_predict

n_windows, groups, test_groups = 4, 4, 2  # windows per stream; stream groups to train on and to test
rng = np.random.default_rng(0)
x = rng.random((groups * n_windows * batch_size, timesteps, features)).astype("float32")
y = rng.integers(0, 2, size=(len(x), 1)).astype("float32")
x_test = rng.random((test_groups * n_windows * batch_size, timesteps, features)).astype("float32")
y_test = rng.integers(0, 2, size=(len(x_test), 1)).astype("float32")

model, predictions = train_and_predict(x, y, x_test, n_windows)
correct = ((predictions > 0.5) == y_test).reshape(test_groups, n_windows, batch_size)
print("held-out accuracy by window:", correct.mean(axis=(0, 2)).round(3))
print("always guessing the most common label:", max(y_test.mean(), 1 - y_test.mean()).round(3))
