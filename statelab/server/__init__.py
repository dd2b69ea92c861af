"""Serving a class: the job pool and its workers, the result cache, one database."""
