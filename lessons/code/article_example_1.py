import keras
from stateful_resets import ResetAtStreamStart  # lesson 4's code, saved as stateful_resets.py

batch_size, timesteps, features, units = 10, 50, 1, 64


def build_model():
    """The article's example 1, declared the Keras 3 way."""
    inputs = keras.Input(batch_shape=(batch_size, timesteps, features))
    lstm = keras.layers.LSTM(units, stateful=True)
    outputs = keras.layers.Dense(1, activation="sigmoid")(lstm(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def train_and_predict(x, y, x_test, n_windows, epochs=10):
    """x, y and x_test hold whole stream groups in stateful order (lesson 2), n_windows per stream."""
    model = build_model()
    reset = ResetAtStreamStart(n_windows)  # the same callback in fit and in predict
    model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, callbacks=[reset])
    predictions = model.predict(x_test, batch_size=batch_size, callbacks=[reset])
    return model, predictions
