import keras


def stateful_layers(model):
    """Every stateful layer of a model, including those inside nested models."""
    found = []
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found += stateful_layers(layer)
    return found


class ResetAtStreamStart(keras.callbacks.Callback):
    """Zero the state before the first window of every stream group, in fit, evaluate and predict.

    Pass it to every call: fit(..., callbacks=[reset]) (validation_data included),
    evaluate(..., callbacks=[reset]) and predict(..., callbacks=[reset]).
    """

    def __init__(self, windows_per_stream):
        super().__init__()
        self.windows = windows_per_stream

    def reset(self, batch):
        if batch % self.windows == 0:
            for layer in stateful_layers(self.model):
                layer.reset_state()

    def on_train_batch_begin(self, batch, logs=None):
        self.reset(batch)

    def on_test_batch_begin(self, batch, logs=None):
        self.reset(batch)

    def on_predict_batch_begin(self, batch, logs=None):
        self.reset(batch)
