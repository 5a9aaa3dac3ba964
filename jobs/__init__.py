"""Thin rq jobs that take ids and call commands or exports (see the jobs issue)."""
