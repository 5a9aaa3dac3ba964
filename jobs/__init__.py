"""Thin rq jobs that take ids or dates and call commands; the queue and the worker.

With `REDIS_URL` set, jobs go to named queues worked by `flask --app app worker`; without it they run in-process.
"""

from __future__ import annotations

from flask import current_app, has_app_context

QUEUE = "default"


def redis_connection():
    from redis import Redis

    url = current_app.config.get("REDIS_URL")
    # A page must not wait on a Redis that is down (FAB_NOTES: enqueue blocks ~4 s, then raises).
    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5) if url else None


def queue(name: str = QUEUE):
    from rq import Queue

    connection = redis_connection()
    return Queue(name, connection=connection) if connection is not None else None


def in_app(func):
    """Run a job inside an app context: the worker's own, or a new app for a job started elsewhere."""

    def wrapper(*args, **kwargs):
        if has_app_context():
            return func(*args, **kwargs)
        from app import create_app

        with create_app().app_context():
            return func(*args, **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__qualname__ = func.__qualname__
    wrapper.__module__ = func.__module__
    wrapper.__doc__ = func.__doc__
    return wrapper
