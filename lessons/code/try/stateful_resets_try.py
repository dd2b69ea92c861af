"""See the helper and the callback at work on a stateful LSTM inside a nested model. `model.layers`
lists the nested model, not its LSTM; `stateful_layers` finds it. Then `predict` runs two stream
groups of two windows that hold the same streams: with the callback, the state is zeroed before each
group, so the second group's predictions equal the first's; without it, the second group starts from
the state the first one left."""

import keras
import numpy as np
from stateful_resets import ResetAtStreamStart, stateful_layers

batch_size, timesteps, windows = 4, 5, 2
inputs = keras.Input(batch_shape=(batch_size, timesteps, 1))
encoder = keras.Model(inputs, keras.layers.LSTM(8, stateful=True)(inputs), name="encoder")
model = keras.Model(inputs, keras.layers.Dense(1)(encoder(inputs)))
listed = [layer.name for layer in model.layers if getattr(layer, "stateful", False)]
print("stateful layers in model.layers:", listed)
print("found by stateful_layers:", [layer.name for layer in stateful_layers(model)])

group = np.random.default_rng(0).normal(size=(windows * batch_size, timesteps, 1)).astype("float32")
x = np.concatenate([group, group])  # two stream groups holding the same streams
reset = ResetAtStreamStart(windows)
with_callback = model.predict(x, batch_size=batch_size, callbacks=[reset], verbose=0)
for layer in stateful_layers(model):
    layer.reset_state()
without_callback = model.predict(x, batch_size=batch_size, verbose=0)
for name, predicted in {"with the callback": with_callback, "without it": without_callback}.items():
    print(
        f"second group = first group, {name}:", np.allclose(predicted[len(group) :], predicted[: len(group)])
    )
