"""Imported by the audit pool's forkserver when it starts (``forkserver_preload``): from
then on it dies with the process that started it, and the workers it forks know it is
their parent (``lifeline.py``)."""

from .lifeline import die_with_parent, forks_children

die_with_parent()
forks_children()
