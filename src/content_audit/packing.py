"""Audit results as bytes for the trip from a worker process to the crawling process.

Why: the crawling process unpickles every page's ``AuditOutcome`` (a ``PageAudit`` of a few
dozen frozen slotted dataclasses, and its ``PageDigest``).  The ``__setstate__`` that
``dataclass(slots=True)`` generates calls ``dataclasses.fields()`` for every object, which
was the largest single cost of the parent process per page (measured with py-spy on a
1k-page site audit), on the process that also fetches and records, and so takes CPU from
the audit workers on a 2-core machine.

``pack`` pickles such objects as ``rebuild(class, *values)`` instead: ``rebuild`` calls a
function made once per class that sets each slot through its descriptor.  Only classes whose
pickling is the dataclass default are handled this way, so the unpickled objects are equal
to what plain ``pickle`` would give; anything else pickles as usual.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from collections.abc import Callable
from typing import Any

_NAMES: dict[type, tuple[str, ...] | None] = {}
"""Class -> the field names pickled for it, or None when it pickles the usual way."""


def _names(cls: type) -> tuple[str, ...] | None:
    try:
        return _NAMES[cls]
    except KeyError:
        pass
    names = None
    getstate = getattr(cls, "__getstate__", None)
    if (
        dataclasses.is_dataclass(cls)
        and "__slots__" in cls.__dict__
        and getattr(getstate, "__name__", "") == "_dataclass_getstate"
    ):
        names = tuple(f.name for f in dataclasses.fields(cls))
    _NAMES[cls] = names
    return names


def rebuild(cls: type, *values: Any) -> Any:
    """An instance of the slotted dataclass ``cls`` with its fields set to ``values``.

    Like the dataclass ``__setstate__``: no ``__init__``, no ``__post_init__``; the slot
    descriptors' ``__set__`` works on frozen classes too.
    """
    make = _MAKERS.get(cls)
    if make is None:
        make = _MAKERS[cls] = _maker(cls)
    return make(*values)


_MAKERS: dict[type, Callable[..., Any]] = {}


def _maker(cls: type) -> Callable[..., Any]:
    """A function of the field values that builds a ``cls``, one unrolled call per slot
    (half the time of a loop over the slots, which matters at ~150 objects a page)."""
    names = _names(cls)
    if names is None:
        raise TypeError(f"{cls.__name__} is not a slotted dataclass")
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    for i, name in enumerate(names):
        scope[f"set{i}"] = _slot(cls, name).__set__
    args = "".join(f"v{i}, " for i in range(len(names)))
    body = "".join(f"    set{i}(obj, v{i})\n" for i in range(len(names)))
    exec(f"def make({args}):\n    obj = new(cls)\n{body}    return obj\n", scope)
    return scope["make"]


def _slot(cls: type, name: str) -> Any:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    raise AttributeError(f"{cls.__name__} has no slot {name!r}")


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        names = _names(type(obj))
        if names is None:
            return NotImplemented
        return rebuild, (type(obj), *[getattr(obj, name) for name in names])


def pack(value: Any) -> bytes:
    """``value`` pickled, its slotted dataclasses in the compact form ``unpack`` reads."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def unpack(data: bytes) -> Any:
    """The value ``pack`` pickled."""
    return pickle.loads(data)
