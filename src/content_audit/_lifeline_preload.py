"""Imported by the audit pool's forkserver when it starts (``forkserver_preload``): from
then on it dies with the process that started it (``lifeline.py``)."""

from .lifeline import die_with_parent

die_with_parent()
