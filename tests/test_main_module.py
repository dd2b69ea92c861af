"""Starting a worker from the pool's thread leaves the process's __main__ as the scripts left it."""

import sys
import threading
import types

from project import PATIENCE

from statelab.server.worker import without_main_script


def page_module(path: str) -> types.ModuleType:
    """A stand-in for the module a Streamlit script run installs as __main__."""
    module = types.ModuleType("__main__")
    module.__file__ = path
    return module


def start_in_thread(inside: threading.Event, go_on: threading.Event) -> threading.Thread:
    """A thread that enters `without_main_script`, says so, and leaves when told to."""

    def start() -> None:
        with without_main_script():
            inside.set()
            go_on.wait(PATIENCE)

    thread = threading.Thread(target=start)
    thread.start()
    assert inside.wait(PATIENCE)
    return thread


def test_a_worker_starts_without_the_page_and_then_gives_it_back():
    page = page_module("/app/page.py")
    sys.modules["__main__"] = page
    inside, go_on = threading.Event(), threading.Event()
    thread = start_in_thread(inside, go_on)
    assert getattr(sys.modules["__main__"], "__file__", None) is None  # a spawned child re-runs no file
    go_on.set()
    thread.join()
    assert sys.modules["__main__"] is page


def test_a_main_module_replaced_while_a_worker_starts_is_not_undone():
    """Seen in the suite: a page an AppTest had run came back during a later test, and that test's
    spawned processes re-ran the page and failed."""
    sys.modules["__main__"] = page_module("/app/earlier_page.py")
    inside, go_on = threading.Event(), threading.Event()
    thread = start_in_thread(inside, go_on)
    newer = page_module("/app/next_page.py")  # the next script run (or the suite's own fixture)
    sys.modules["__main__"] = newer
    go_on.set()
    thread.join()
    assert sys.modules["__main__"] is newer
