"""Python source read while the app runs (exports, notebooks, lesson code), one thread at a time.

Parsing builds `ast` objects with a recursion counter that Python 3.11 keeps per interpreter, not
per thread: two sessions parsing at once can raise "SystemError: AST constructor recursion depth
mismatch" (CPython gh-106905; seen with 16 learners opening the Lab at once). `inspect.getsource`
parses a class's whole module, so it goes through the same lock.
"""

from __future__ import annotations

import ast
import inspect
import threading

_LOCK = threading.Lock()


def parse(source: str) -> ast.Module:
    """`ast.parse`, one thread at a time."""
    with _LOCK:
        return ast.parse(source)


def source_of(code: object) -> str:
    """`inspect.getsource`, one thread at a time."""
    with _LOCK:
        return inspect.getsource(code)
