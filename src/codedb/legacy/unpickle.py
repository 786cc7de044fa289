"""A restricted unpickler for the old tool's pickles. It never imports a module and never
calls anything a file names, except these inert stand-ins:

- the old record classes (Function, UnitTest, TestResult, Modification, Module,
  CodeDatabase), whatever module path they were saved under, become `Stub` objects that only
  hold their attributes;
- TestStatusEnum becomes `StubEnum`: `getattr(TestStatusEnum, "PASSED")` and
  `TestStatusEnum("passed")` give the member's name as text;
- datetime, date, timedelta and timezone of the datetime module, UUID, and the builtin
  containers, which rebuild plain values;
- any other class is a `Foreign` placeholder: an instance of it built from a str, int, dict
  or list (a third-party str subclass, say) becomes that base value, its extra state dropped;
  anything else it is asked to do (being called, as a pickle calls `os.system`) is refused.

Nothing a pickle reaches can be changed for the next load: the classes (stand-ins, the enum,
UUID) are made afresh for each load, and the callables are `Allowed` objects, which refuse
every attribute a pickle would set on them (BUILD on a function changed its defaults).

Every refusal raises `RefusedGlobal`, naming the global. Bounds keep a small file from doing
a huge amount of work, not only from building a huge result (a 4 KB file made str() of a
shared list write 2.66 GB; a 136-byte one hashes a shared tuple 2**24 times):

- the pickle is read by Python's own pure-Python unpickler, whose opcodes this class can
  check: a dict key and a set member must be text (the old tool's are), so no opcode hashes
  a nested value or a crafted run of colliding numbers;
- each allowed callable checks its arguments before it runs: str() only of text, numbers
  only from short text or numbers, containers only from containers whose keys are text,
  bytes and bytearray never from a size;
- `plain()`, which walks what was loaded, refuses more than MAX_VALUES values (shared
  references count each time they are reached: the memo "billion laughs"), nesting deeper
  than MAX_DEPTH, and a container that contains itself.
"""

import _compat_pickle
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


MAX_NUMBER_TEXT = 1000  # characters a number may be read from


class Allowed:
    """A callable a pickle may use: it checks its arguments (`check`) before it runs, and a
    pickle cannot change it (no attribute can be set: no __dict__, __setattr__ refuses)."""

    __slots__ = ("call", "check", "name")
    name: str
    call: Any
    check: Any

    def __init__(self, name: str, call: Any, check: Any = None):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "call", call)
        object.__setattr__(self, "check", check)

    def __setattr__(self, key: str, value: Any) -> NoReturn:
        raise RefusedGlobal("builtins", self.name, f"setting its {key}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.check is not None:
            self.check(self.name, args, kwargs)
        return self.call(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<allowed {self.name}>"


def _refuse(name: str, why: str) -> NoReturn:
    raise RefusedGlobal("builtins", name, why)


def _no_keywords(name: str, kwargs: dict[str, Any]) -> None:
    if kwargs:
        _refuse(name, "keyword arguments")


def text_keys(items: Any, what: str = "a dict key") -> None:
    """Refuse any key that is not text: hashing a nested value can take any time (a shared
    tuple hashes each of its paths), and numbers can be made to collide."""
    for key in items:
        if not isinstance(key, str):
            raise ResourceLimit(
                f"the pickle uses {type(key).__name__} as {what}; the old tool's are text: "
                "it is not a code_db file"
            )


def _check_text(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    _no_keywords(name, kwargs)
    if len(args) > 1 or (args and not isinstance(args[0], str)):
        _refuse(name, "str() of anything but text (its work could be any size)")


def _check_number(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    _no_keywords(name, kwargs)
    for arg in args:
        if isinstance(arg, str | bytes) and len(arg) > MAX_NUMBER_TEXT:
            _refuse(name, f"a number read from {len(arg):,} characters")
        if not isinstance(arg, str | bytes | int | float | complex | bool):
            _refuse(name, f"a number made from a {type(arg).__name__}")


def _check_sequence(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    _no_keywords(name, kwargs)
    if len(args) > 1 or (args and not isinstance(args[0], list | tuple | str | set | frozenset | dict)):
        _refuse(name, "a container made from anything but a container")


def _check_set(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    _check_sequence(name, args, kwargs)
    if args:
        text_keys(args[0], "a set member")


def _check_mapping(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if len(args) > 1:
        _refuse(name, "more than one argument")
    if args and isinstance(args[0], dict):
        text_keys(args[0])
    elif args and isinstance(args[0], list | tuple):
        for pair in args[0]:
            if not (isinstance(pair, tuple | list) and len(pair) == 2):
                _refuse(name, "a dict made from anything but (key, value) pairs")
            text_keys(pair[:1])
    elif args:
        _refuse(name, "a dict made from anything but a dict or pairs")


def _check_bytes(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    _no_keywords(name, kwargs)
    if args and isinstance(args[0], int):
        _refuse(name, "building it from a size")
    if args and not isinstance(args[0], str | bytes | list | tuple):
        _refuse(name, f"bytes made from a {type(args[0]).__name__}")


SAFE_BUILTINS = {
    "set": Allowed("set", set, _check_set),
    "frozenset": Allowed("frozenset", frozenset, _check_set),
    "list": Allowed("list", list, _check_sequence),
    "dict": Allowed("dict", dict, _check_mapping),
    "tuple": Allowed("tuple", tuple, _check_sequence),
    "str": Allowed("str", str, _check_text),
    "int": Allowed("int", int, _check_number),
    "float": Allowed("float", float, _check_number),
    "bool": Allowed("bool", bool, _check_number),
    "bytes": Allowed("bytes", bytes, _check_bytes),
    "bytearray": Allowed("bytearray", bytearray, _check_bytes),
    "complex": Allowed("complex", complex, _check_number),
}
ORDERED_DICT = Allowed("OrderedDict", OrderedDict, _check_mapping)
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
        if not isinstance(value, str | int | None):
            raise RefusedGlobal("code_db", "TestStatusEnum", f"a member named by a {type(value).__name__}")
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


def _reconstruct(cls: Any, base: Any, state: Any) -> Any:
    # protocol 0/1 objects: copyreg._reconstructor(cls, base, state)
    if isinstance(cls, type) and issubclass(cls, Stub) and base is object:
        return object.__new__(cls)
    if isinstance(cls, type) and issubclass(cls, Foreign) and base in BASE_TYPES:
        if state is not None and type(state) is not base:  # str(a shared list) would expand it
            made = f"a {base.__name__} from a {type(state).__name__}"
            raise RefusedGlobal("copyreg", "_reconstructor", made)
        return cls.__new__(cls, state if state is not None else base())
    raise RefusedGlobal("copyreg", "_reconstructor", f"for {cls!r}")


def _encode(text: Any, encoding: str = "utf-8") -> bytes:
    if not isinstance(text, str):
        raise RefusedGlobal("_codecs", "encode", f"of a {type(text).__name__}")
    if encoding not in ("latin1", "latin-1", "utf-8", "utf8"):
        raise RefusedGlobal("_codecs", "encode", f"with encoding {encoding!r}")
    return text.encode(encoding)


RECONSTRUCTOR = Allowed("_reconstructor", _reconstruct)
ENCODE = Allowed("encode", _encode)  # how protocol 2 writes bytes


def _load_dict(self: Any) -> None:  # the unpickler
    items = self.pop_mark()
    text_keys(items[0::2])
    self.append(dict(zip(items[0::2], items[1::2], strict=False)))


def _load_setitem(self: Any) -> None:  # the unpickler
    value, key = self.stack.pop(), self.stack.pop()
    text_keys((key,))
    self.stack[-1][key] = value


def _load_setitems(self: Any) -> None:  # the unpickler
    items = self.pop_mark()
    text_keys(items[0::2])
    target = self.stack[-1]
    for index in range(0, len(items), 2):
        target[items[index]] = items[index + 1]


def _load_additems(self: Any) -> None:  # the unpickler
    items = self.pop_mark()
    text_keys(items, "a set member")
    target = self.stack[-1]
    for item in items:
        target.add(item)


def _load_frozenset(self: Any) -> None:  # the unpickler
    items = self.pop_mark()
    text_keys(items, "a set member")
    self.append(frozenset(items))


class LegacyUnpickler(pickle._Unpickler):
    """The restricted unpickler (see the module docstring): Python's pure-Python unpickler
    (five times slower than the C one, and open to checks) with the opcodes that hash keys
    checked."""

    dispatch = dict(pickle._Unpickler.dispatch)
    dispatch[pickle.DICT[0]] = _load_dict
    dispatch[pickle.SETITEM[0]] = _load_setitem
    dispatch[pickle.SETITEMS[0]] = _load_setitems
    dispatch[pickle.ADDITEMS[0]] = _load_additems
    dispatch[pickle.FROZENSET[0]] = _load_frozenset

    def __init__(self, file: io.BufferedIOBase):
        super().__init__(file)
        self.classes: dict[tuple[str, str], type] = {}  # made afresh for each load, as these:
        self.foreign: set[str] = set()
        self.enum = type("TestStatusEnum", (StubEnum,), {})
        self.uuid = type("UUID", (uuid.UUID,), {})
        self.getattr = Allowed("getattr", self._enum_member)

    def _enum_member(self, obj: Any, name: Any, *default: Any) -> Any:
        if obj is self.enum and isinstance(name, str):
            return name
        raise RefusedGlobal("builtins", "getattr", "used on anything but the status enum")

    def find_class(self, module: str, name: str) -> Any:
        if getattr(self, "proto", 0) < 3:  # Python 2 names (__builtin__.unicode is str), mapped
            module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
            module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        key = (module, name)
        if module in ("builtins", "__builtin__"):
            if name == "getattr":
                return self.getattr
            if name in SAFE_BUILTINS:
                return SAFE_BUILTINS[name]
            if name == "object":
                return object
            raise RefusedGlobal(module, name, "a builtin that can run code")
        if module == "datetime" and name in ("datetime", "date", "time", "timedelta", "timezone"):
            return getattr(_datetime, name)
        if module == "copyreg" and name == "_reconstructor":
            return RECONSTRUCTOR
        if module == "collections" and name == "OrderedDict":
            return ORDERED_DICT
        if module == "_codecs" and name == "encode":
            return ENCODE
        if module == "uuid" and name == "UUID":
            return self.uuid
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
