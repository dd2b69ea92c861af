"""What every worker needs, imported once by the process the workers are forked from (the pool's
forkserver): TensorFlow, Keras and the engine. A new or recycled worker then starts without importing
them again. Importing runs no TensorFlow operation and, with `compile_cache.defer()`, reads none of
XLA's flags, so each worker still chooses its own folder of compiled programs in its pool's folder of
programs (statelab.engine.compile_cache.enable).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # as run_worker sets it, before TensorFlow loads

from statelab.engine import compile_cache  # noqa: E402

compile_cache.defer()  # before the engine's import would enable the cache here, for every worker

import statelab.engine.training  # noqa: E402, F401
