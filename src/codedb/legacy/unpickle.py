"""A restricted unpickler for the old tool's pickles. It never imports a module and never
calls anything a file names, except these inert stand-ins:

- the old record classes (Function, UnitTest, TestResult, Modification, Module,
  CodeDatabase), whatever module path they were saved under, become `Stub` objects that only
  hold their attributes;
- TestStatusEnum becomes `StubEnum`: `getattr(TestStatusEnum, "PASSED")` and
  `TestStatusEnum("passed")` give the member's name as text;
- every load gets fresh stand-in classes, so a pickle that alters one (BUILD on a class)
  cannot affect the next load;
- datetime, date, timedelta and timezone of the datetime module, UUID, and the builtin
  containers, which rebuild plain values;
- any other class is a `Foreign` placeholder: an instance of it built from a str, int, dict
  or list (a third-party str subclass, say) becomes that base value, its extra state dropped;
  anything else it is asked to do (being called, as a pickle calls `os.system`) is refused.

Every refusal raises `RefusedGlobal`, naming the global. Bounds keep a small file from
building a huge result: bytes and bytearray cannot be built from a size, and `plain()`, which
walks what was loaded, refuses more than MAX_VALUES values (shared references count each
time they are reached: the memo "billion laughs"), nesting deeper than MAX_DEPTH, and a
container that contains itself.
"""

import datetime as _datetime
import io
import pickle
import uuid
from collections import OrderedDict
from typing import Any, NoReturn

RECORD_CLASSES = {"Function", "UnitTest", "TestResult", "Modification", "Module", "CodeDatabase"}
ENUM_CLASSES = {"TestStatusEnum"}
MAX_VALUES = 2_000_000
MAX_DEPTH = 64


class ResourceLimit(pickle.UnpicklingError):
    """The pickle would build more than the bounds allow."""


def _sized(kind: type) -> Any:
    """bytes / bytearray that refuse to be built from a size (bytearray(3 * 10**9))."""

    def build(*args: Any) -> Any:
        if args and isinstance(args[0], int):
            raise RefusedGlobal("builtins", kind.__name__, "building it from a size")
        return kind(*args)

    return build


SAFE_BUILTINS = {
    "set": set,
    "frozenset": frozenset,
    "list": list,
    "dict": dict,
    "tuple": tuple,
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "bytes": _sized(bytes),
    "bytearray": _sized(bytearray),
    "complex": complex,
}
BASE_TYPES = (str, int, dict, list)


class RefusedGlobal(pickle.UnpicklingError):
    """The pickle names something the restricted unpickler will not use."""

    def __init__(self, module: str, name: str, why: str = "not a known code_db class"):
        self.global_name = f"{module}.{name}"
        super().__init__(f"refused global {self.global_name} ({why})")


class Stub:
    """An inert stand-in for an old record object: it only holds its attributes."""

    kind = "object"
    module = ""

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple) and len(state) == 2:  # (dict state, slot state)
            state = {**(state[0] or {}), **(state[1] or {})}
        if not isinstance(state, dict):
            raise pickle.UnpicklingError(f"{self.kind} object with a state of type {type(state).__name__}")
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return f"<legacy {self.module}.{self.kind}>"


class StubEnum:
    """The stand-in for TestStatusEnum: members are their names (a subclass per load)."""

    def __new__(cls, value: Any = None) -> Any:  # TestStatusEnum("passed"), as older Pythons pickle
        return str(value)


def _stub_class(module: str, name: str) -> type:
    return type(name, (Stub,), {"kind": name, "module": module})


class _ForeignMeta(type):
    def __call__(cls, *args: Any, **kwargs: Any) -> NoReturn:  # a REDUCE call: os.system(...)
        raise RefusedGlobal(cls.module, cls.kind, "a call to it")  # type: ignore[attr-defined]


class Foreign(metaclass=_ForeignMeta):
    """A class the pickle names that codedb does not know. Only `cls.__new__(cls, value)`
    with a str, int, dict or list value is allowed (how a pickle rebuilds a subclass of one)."""

    kind = "?"
    module = "?"

    def __new__(cls, *args: Any) -> Any:
        if len(args) == 1 and isinstance(args[0], BASE_TYPES):
            return _shell(type(args[0]))(args[0])
        if not args:
            raise RefusedGlobal(cls.module, cls.kind, "an instance of an unknown class")
        raise RefusedGlobal(cls.module, cls.kind, "an instance built from unknown values")


class ForeignStr(str):
    """What a foreign str subclass becomes: a str whose extra state is set aside."""

    def __setstate__(self, state: Any) -> None:
        pass


class ForeignInt(int):
    def __setstate__(self, state: Any) -> None:
        pass


class ForeignDict(dict[Any, Any]):
    def __setstate__(self, state: Any) -> None:
        pass


class ForeignList(list[Any]):
    def __setstate__(self, state: Any) -> None:
        pass


def _shell(base: type) -> type:
    return {str: ForeignStr, int: ForeignInt, dict: ForeignDict, list: ForeignList}[base]


def _foreign_class(module: str, name: str) -> type:
    return _ForeignMeta(name, (Foreign,), {"kind": name, "module": module})


def plain(value: Any) -> Any:
    """A loaded value with every foreign subclass turned into its base type, within the
    bounds of the module docstring (ResourceLimit past them)."""
    return _Plain().convert(value, 0)[0]


class _Plain:
    """One walk of `plain`. A container reached again (a shared reference) is not walked
    again: its converted value, size and height are remembered, so the memo "billion laughs"
    is refused after a few hundred steps instead of after MAX_VALUES."""

    def __init__(self) -> None:
        self.count = 0
        self.path: set[int] = set()
        self.done: dict[int, tuple[Any, int, int]] = {}  # id -> (converted, values, height)

    def add(self, values: int) -> None:
        self.count += values
        if self.count > MAX_VALUES:
            raise ResourceLimit(
                f"the pickle expands to too many values (over {MAX_VALUES:,}): it is not a code_db file"
            )

    def convert(self, value: Any, depth: int) -> tuple[Any, int]:
        """The converted value and its height (0 for a scalar)."""
        self.add(1)
        if isinstance(value, ForeignStr):
            return str(value), 0
        if isinstance(value, ForeignInt):
            return int(value), 0
        if not isinstance(value, dict | list | tuple | set | frozenset):
            return value, 0
        key = id(value)
        if key in self.path:
            raise ResourceLimit(
                "the pickle holds a container that refers to itself: it is not a code_db file"
            )
        if key in self.done:
            converted, values, height = self.done[key]
            self.add(values - 1)
        else:
            converted, values, height = self._container(value, depth)
        if depth + height > MAX_DEPTH:
            raise ResourceLimit(
                f"the pickle is nested too deeply (over {MAX_DEPTH} levels): it is not a code_db file"
            )
        return converted, height

    def _container(self, value: Any, depth: int) -> tuple[Any, int, int]:
        if depth >= MAX_DEPTH:
            raise ResourceLimit(
                f"the pickle is nested too deeply (over {MAX_DEPTH} levels): it is not a code_db file"
            )
        key, before, height = id(value), self.count - 1, 0
        is_dict = isinstance(value, dict)
        pairs = []
        self.path.add(key)
        try:
            for k, v in value.items() if is_dict else ((None, v) for v in value):
                if is_dict:
                    k, h = self.convert(k, depth + 1)
                    height = max(height, h + 1)
                v, h = self.convert(v, depth + 1)
                height = max(height, h + 1)
                pairs.append((k, v))
        finally:
            self.path.discard(key)
        if is_dict:
            converted: Any = dict(pairs)
        else:
            items = [v for _, v in pairs]
            is_list, is_tuple = isinstance(value, list), isinstance(value, tuple)
            converted = items if is_list else tuple(items) if is_tuple else set(items)
        self.done[key] = (converted, self.count - before, height)
        return converted, self.count - before, height


def _safe_reconstructor(cls: Any, base: Any, state: Any) -> Any:
    # protocol 0/1 objects: copyreg._reconstructor(cls, base, state)
    if isinstance(cls, type) and issubclass(cls, Stub) and base is object:
        return object.__new__(cls)
    if isinstance(cls, type) and issubclass(cls, Foreign) and base in BASE_TYPES:
        return cls.__new__(cls, base(state) if state is not None else base())
    raise RefusedGlobal("copyreg", "_reconstructor", f"for {cls!r}")


class LegacyUnpickler(pickle.Unpickler):
    """The restricted unpickler (see the module docstring)."""

    def __init__(self, file: io.BufferedIOBase):
        super().__init__(file)
        self.classes: dict[tuple[str, str], type] = {}
        self.foreign: set[str] = set()
        self.enum = type("TestStatusEnum", (StubEnum,), {})  # fresh for each load

    def safe_getattr(self, obj: Any, name: str, *default: Any) -> Any:
        if obj is self.enum and isinstance(name, str):
            return name
        raise RefusedGlobal("builtins", "getattr", f"used on {obj!r}, not on the status enum")

    def find_class(self, module: str, name: str) -> Any:
        key = (module, name)
        if module in ("builtins", "__builtin__"):
            if name == "getattr":
                return self.safe_getattr
            if name in SAFE_BUILTINS:
                return SAFE_BUILTINS[name]
            if name == "object":
                return object
            raise RefusedGlobal(module, name, "a builtin that can run code")
        if module == "datetime" and name in ("datetime", "date", "time", "timedelta", "timezone"):
            return getattr(_datetime, name)
        if module == "copyreg" and name == "_reconstructor":
            return _safe_reconstructor
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        if module == "_codecs" and name == "encode":  # how protocol 2 writes bytes
            return _encode
        if module == "uuid" and name == "UUID":
            return uuid.UUID
        if name in ENUM_CLASSES:
            return self.enum
        if name in RECORD_CLASSES:
            if key not in self.classes:
                self.classes[key] = _stub_class(module, name)
            return self.classes[key]
        self.foreign.add(f"{module}.{name}")
        if key not in self.classes:
            self.classes[key] = _foreign_class(module, name)
        return self.classes[key]


def _encode(text: str, encoding: str = "utf-8") -> bytes:
    if encoding not in ("latin1", "latin-1", "utf-8", "utf8"):
        raise RefusedGlobal("_codecs", "encode", f"with encoding {encoding!r}")
    return text.encode(encoding)


def load(data: bytes) -> tuple[Any, set[str]]:
    """Unpickle `data` with the restricted unpickler; return the object and the foreign
    classes it named (reported to the user as coercions)."""
    unpickler = LegacyUnpickler(io.BytesIO(data))
    try:
        result = unpickler.load()
    except (RefusedGlobal, ResourceLimit):
        raise
    except MemoryError:
        raise ResourceLimit(
            "the pickle needs more memory than this machine has: it is not a code_db file"
        ) from None
    except (
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        KeyError,
    ) as exc:
        raise pickle.UnpicklingError(f"not a readable pickle: {exc}") from None
    return result, unpickler.foreign
