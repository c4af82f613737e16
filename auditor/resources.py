"""Where the package's data lives: the JSON Schemas (top-level `schemas/`) and the bundled rule packs (`rules/`), and
the one way a YAML file is read and checked against one of those schemas (packs, run configuration, rule fixtures).

Both are mapped into the package by pyproject.toml (`auditor.schemas`, `auditor.rules`), so an installed auditor
finds them without the checkout.
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex  # type: ignore[import-untyped]  # no stubs in the venv (types-regex)
import yaml

from auditor import limits

if TYPE_CHECKING:
    from jsonschema import ValidationError

try:  # the parser re.compile itself uses (CPython 3.11+); private, so without it only the shape checks are skipped
    import re._parser as regex_parser  # type: ignore[import-not-found]  # no stub
except ImportError:  # pragma: no cover - another Python: the length limit and the extractors' time budget remain
    regex_parser = None


@cache
def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files("auditor.schemas").joinpath(name).read_text(encoding="utf-8"))
    return data


def rules_root() -> Path:
    return Path(str(files("auditor.rules")))


def default_pack_dirs() -> list[Path]:
    root = rules_root()
    return sorted(p for p in root.iterdir() if (p / "pack.yaml").is_file())


class InvalidFile(Exception):
    """What is wrong with a YAML file: the JSON pointer of the offending value ("" for the whole file) and why. It
    names no file: each caller re-raises it as its own error (PackError, ConfigError, …) with the path."""

    def __init__(self, pointer: str, reason: str, reason_zh: str | None = None) -> None:
        super().__init__(pointer, reason)
        self.pointer = pointer
        self.reason = reason
        self.reason_zh = reason_zh  # the same in Chinese; None where there is none (a library's own words)


class _StrictLoader(yaml.SafeLoader):  # the checks below are in the composer, so both loaders share them
    """PyYAML's safe loader, refusing what lets a small file become a huge or endless value: an anchor or alias
    (billion laughs: nine nested lists of nine aliases are 387 million strings to whoever walks them), nesting beyond
    limits.MAX_YAML_DEPTH (PyYAML composes recursively), and an integer too long for int() (Python's 4,300-digit
    limit). Each is a YAMLError with its line and column, reported as bad YAML."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
        if isinstance(event, yaml.AliasEvent):
            raise _refused(event, f"aliases (*{event.anchor}) are not allowed; write the value out")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _refused(event, f"anchors (&{anchor}) are not allowed; write the value out where it is used")
        self._depth += 1
        try:
            if self._depth > limits.MAX_YAML_DEPTH:
                raise _refused(event, f"lists and maps nest more than {limits.MAX_YAML_DEPTH} deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            value: int = super().construct_yaml_int(node)
        except ValueError:  # more digits than int() converts
            raise yaml.constructor.ConstructorError(None, None, "an integer with too many digits",
                                                    node.start_mark) from None
        return value


def _refused(event: yaml.Event, problem: str) -> yaml.YAMLError:
    return yaml.composer.ComposerError(None, None, problem, event.start_mark)  # type: ignore[arg-type]  # a Mark


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)

_FastStrictLoader: type[_StrictLoader] | None = None
if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser  # the C extension (types-PyYAML types it)

    class _CStrictLoader(CParser, _StrictLoader):
        """The strict loader on libyaml's parser: events from C (scanning and parsing are most of a pack's loading
        time), composed and constructed by the same Python code as _StrictLoader's, so its checks run on them.
        CParser comes first for its events; its own C composer would skip compose_node, so Python's is put back."""

        check_node = yaml.composer.Composer.check_node
        get_node = yaml.composer.Composer.get_node
        get_single_node = yaml.composer.Composer.get_single_node
        compose_document = yaml.composer.Composer.compose_document

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._depth = 0

    _FastStrictLoader = _CStrictLoader  # without libyaml (None): the same data, parsed in Python


def _load(text: str) -> Any:
    """The YAML document in `text`, through libyaml's parser when it is there. A text the C parser refuses, or one
    with a character PyYAML's reader refuses (which libyaml does not check), is loaded by PyYAML alone: its error,
    line and column are the ones a user has always been shown, and what it accepts is what is loaded."""
    if _FastStrictLoader is None or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    try:
        return yaml.load(text, Loader=_FastStrictLoader)  # noqa: S506 - the same SafeLoader subclass, on libyaml
    except yaml.YAMLError:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - raises PyYAML's own error (or loads the same)


def read_bounded(path: Path, limit: int = limits.MAX_YAML_BYTES) -> bytes:
    """At most `limit` bytes of `path`; InvalidFile when it holds more. Reads no more than limit + 1 bytes, so a
    huge file or a device without end (/dev/zero) costs nothing, and opens without blocking, so a named pipe with
    no writer reads as empty rather than waiting. Raises OSError when the file cannot be opened or read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        os.set_blocking(fd, True)  # O_NONBLOCK was for the open of a FIFO; reads wait for data as usual
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InvalidFile("", f"larger than {limits.size_text(limit)}; not read",
                          f"超过 {limits.size_text(limit)}，未读取")
    return data


def read_yaml(path: Path, limit: int = limits.MAX_YAML_BYTES) -> Any:
    """The YAML document in `path` (None for an empty file), as JSON would have it. Raises InvalidFile when the file
    cannot be read, is over limits.MAX_YAML_BYTES, is not UTF-8, is not YAML (with PyYAML's line and column), uses
    an anchor or alias, nests too deep, or holds a key that is not a string or a number that is not finite (with the
    JSON pointer): every file read this way (packs, extractors, configurations, rule fixtures) is data for a JSON
    Schema, in which keys are strings and NaN and infinity do not exist."""
    try:
        text = read_bounded(path, limit).decode("utf-8")
        data = _load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        where_zh = f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）" if mark else ""
        problem = " ".join(str(getattr(exc, "problem", exc)).split())  # a ReaderError's text spans lines
        # PyYAML's own words are English: quoted as they are, after ours.
        raise InvalidFile("", f"not valid YAML{where}: {problem}", f"不是有效的 YAML{where_zh}：{problem}") from None
    except UnicodeDecodeError as exc:
        raise InvalidFile("", f"not UTF-8 text: byte {exc.start} cannot be decoded",
                          f"不是 UTF-8 文本：第 {exc.start} 个字节无法解码") from None
    except OSError as exc:
        raise InvalidFile("", f"cannot read: {exc.strerror or exc}", f"无法读取：{exc.strerror or exc}") from None
    _check_json_like(data)
    return data


def _check_json_like(data: Any) -> None:
    """InvalidFile at the first mapping key that is not a string (YAML reads `1:`, `yes:` and `~:` as a number, a
    boolean and null) or the first float that is NaN or infinite (`.nan`, `.inf`, `1e999`). Iterative: the depth
    is bounded already, but no recursion is needed."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise InvalidFile(pointer or "/", f"the key {key!r} is not text; quote it",
                                      f"键 {key!r} 不是文字（YAML 把它读成了{_yaml_kind(key)}），请加引号")
                stack.append((f"{pointer}/{key}", item))
        elif isinstance(value, list):
            stack.extend((f"{pointer}/{i}", item) for i, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            raise InvalidFile(pointer, f"{value} is not a finite number", f"{value} 不是有限的数")


def check_schema(data: Any, schema_name: str, *, sort: bool = True) -> None:
    """Raise InvalidFile for the first error of `data` against schemas/`schema_name`: with `sort`, the error whose
    path sorts first (so the message does not depend on the order the validator tries keywords in); without it, the
    first the validator finds."""
    from jsonschema import Draft202012Validator  # imported when a file is checked (40 ms a run that checks none)

    errors = Draft202012Validator(schema(schema_name)).iter_errors(data)
    error = min(errors, key=lambda e: list(e.absolute_path), default=None) if sort else next(errors, None)
    if error is not None:
        raise InvalidFile("/" + "/".join(str(p) for p in error.absolute_path), _shortened(error.message),
                          schema_reason_zh(error))


_JSON_TYPES_ZH = {"integer": "整数", "number": "数", "string": "文字", "boolean": "true 或 false", "array": "列表",
                  "object": "键值表", "null": "空值"}


def _yaml_kind(key: object) -> str:
    return "布尔值" if isinstance(key, bool) else "空值" if key is None else "数"


def _any(value: object) -> Any:
    return value  # jsonschema types its error's parts as "Any | Unset": they are set on every error it yields


def _shown(value: object) -> str:
    return _shortened(repr(value), 80)


def schema_reason_zh(error: ValidationError) -> str | None:
    """A JSON Schema error in Chinese, for the keywords a configuration or a pack meets (jsonschema words its
    messages in English only); None for another keyword, whose English message is then shown."""
    kind, expected, found, schema_part = str(error.validator), _any(error.validator_value), _any(error.instance), \
        _any(error.schema)
    if kind == "required":
        missing = [name for name in expected if isinstance(found, dict) and name not in found]
        return f"缺少必填的键：{'、'.join(missing)}" if missing else None
    if kind == "additionalProperties" and isinstance(found, dict):
        allowed = set(schema_part.get("properties") or {})
        unknown = [k for k in found if k not in allowed]
        return f"不认识的键：{'、'.join(unknown)}（可用的键：{'、'.join(sorted(allowed))}）" if unknown else None
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        return f"应为{'或'.join(_JSON_TYPES_ZH.get(n, n) for n in names)}，而不是 {_shown(found)}"
    if kind == "enum":
        return f"应为以下之一：{'、'.join(str(v) for v in expected)}；而不是 {_shown(found)}"
    if kind == "const":
        return f"应为 {expected}，而不是 {_shown(found)}"
    bounds = {"minimum": "不得小于 {}", "maximum": "不得大于 {}", "exclusiveMinimum": "应大于 {}",
              "exclusiveMaximum": "应小于 {}", "minLength": "至少 {} 个字符", "maxLength": "至多 {} 个字符",
              "minItems": "至少 {} 项", "maxItems": "至多 {} 项", "minProperties": "至少 {} 个键",
              "maxProperties": "至多 {} 个键"}
    if kind in bounds:
        return f"{_shown(found)} {bounds[kind].format(expected)}"
    if kind == "pattern":
        return f"{_shown(found)} 不符合格式 {expected}"
    if kind == "uniqueItems":
        return "列表中有重复项"
    return None


def _shortened(message: str, limit: int = 300) -> str:
    """A validator message within `limit` characters: jsonschema quotes the offending value whole, and a value may
    be a megabyte long."""
    return message if len(message) <= limit else f"{message[:limit // 2]} … {message[-limit // 3:]}"


def compile_regex(source: str, pointer: str) -> re.Pattern[str]:
    """`source` compiled; InvalidFile at `pointer` when it is not a regular expression of Python's `re` that the
    `regex` module reads alike (extractors run there, for its time-out: auditor.facts.claims), is longer than
    limits.MAX_PATTERN_CHARS, or has a shape whose cost is known to explode (pattern_hazard)."""
    if len(source) > limits.MAX_PATTERN_CHARS:
        raise InvalidFile(pointer, f"a regular expression of {len(source):,} characters; at most "
                                   f"{limits.MAX_PATTERN_CHARS:,} (macros included)",
                          f"正则表达式长 {len(source):,} 个字符，至多 {limits.MAX_PATTERN_CHARS:,} 个（含宏）")
    try:
        with warnings.catch_warnings():
            # re warns where a later Python (and the regex module, today) reads the pattern differently, e.g.
            # `[[:alpha:]]` as a POSIX class: an extractor must mean the same in both engines.
            warnings.simplefilter("error", FutureWarning)
            compiled = re.compile(source)
        hazard = pattern_hazard(compiled)
        if hazard is None:
            regex.compile(source, regex.V0)  # after the shape checks: regex expands bounded repeats as it compiles
    except FutureWarning as exc:
        raise InvalidFile(pointer, f"ambiguous regular expression ({exc}); escape the bracket",
                          f"正则表达式有歧义（{exc}），请转义方括号") from None
    except (re.error, regex.error, OverflowError) as exc:
        raise InvalidFile(pointer, f"not a valid regular expression: {exc}", f"不是有效的正则表达式：{exc}") from None
    except RecursionError:
        raise InvalidFile(pointer, "not a valid regular expression: its groups nest too deep",
                          "不是有效的正则表达式：分组嵌套过深") from None
    if hazard is not None:
        raise InvalidFile(pointer, hazard)
    return compiled


def pattern_hazard(compiled: re.Pattern[str]) -> str | None:
    """Why matching `compiled` could take time or memory out of all proportion, or None.

    - A repeat whose body can be a single repeat of variable length and nothing else (`(a+)+`, `(\\w+\\s?)*`,
      `(?:a*|b)+`), one of the two unbounded: the engine may try every way of dividing a run of characters
      between the iterations, 2**n steps on n characters that almost match (`(a+)+$` on a's and a b). Not when a
      part the body cannot do without separates them (`(?:\\s+[a-z]+)*`, `(\\d+,)+`), nor when the inner repeat is
      possessive (`a++`) or atomic (`(?>…)`).
    - Bounded repeat counts that, multiplied through their nesting, exceed limits.MAX_PATTERN_REPEAT: the regex
      module writes them out as it compiles (`a{1000000}` is 270 MB).
    What these checks cannot recognise (alternatives that overlap, `(a|aa)+`; polynomial shapes, `(.*a){9}`), the
    extractors' time budget stops (auditor.facts.claims)."""
    if regex_parser is None:
        return None
    return _hazard(regex_parser.parse(compiled.pattern, compiled.flags), 1)


_REPEATS = (regex_parser.MAX_REPEAT, regex_parser.MIN_REPEAT, regex_parser.POSSESSIVE_REPEAT) if regex_parser else ()
_ZERO_WIDTH = (regex_parser.AT, regex_parser.ASSERT, regex_parser.ASSERT_NOT) if regex_parser else ()


def _hazard(items: Any, product: int) -> str | None:
    """The first hazard in a parsed (sub)pattern; `product`: the repeat counts that enclose it, multiplied."""
    for op, arg in items:
        if op in _REPEATS:
            low, high, body = arg
            unbounded = high is regex_parser.MAXREPEAT
            count = product * max(low if unbounded else high, 1)
            if count > limits.MAX_PATTERN_REPEAT:
                return (f"repeat counts of {count:,} (multiplied through their nesting); at most "
                        f"{limits.MAX_PATTERN_REPEAT:,}")
            if op is not regex_parser.POSSESSIVE_REPEAT and high > 1 and _ambiguous(body, unbounded):
                return ("a repeat whose body is another repeat and nothing it cannot do without, e.g. (a+)+ or "
                        "(\\w+\\s?)*, can take exponential time (catastrophic backtracking); put a required "
                        "separator between them, bound both ({0,20}) or make the inner one possessive (a++)")
            found = _hazard(body, count)
        else:  # groups, alternatives, look-arounds, conditionals, atomic groups: the parsed parts they hold
            found = next((h for part in _parts(arg) if (h := _hazard(part, product))), None)
        if found:
            return found
    return None


def _ambiguous(body: Any, outer_unbounded: bool) -> bool:
    """Whether an iteration of a repeat over `body` can be one inner repeat of variable length alone (each
    alternative of the body considered apart), so a run of its characters divides between iterations in many
    ways; one of the two repeats must be unbounded for the ways to grow without end."""
    items = list(body)
    while len(items) == 1 and items[0][0] in (regex_parser.SUBPATTERN, regex_parser.BRANCH):
        op, arg = items[0]
        if op is regex_parser.BRANCH:
            return any(_ambiguous(alternative, outer_unbounded) for alternative in arg[1])
        items = list(arg[3])  # a group: (number, add_flags, del_flags, items)
    required = [(op, arg) for op, arg in items if not _nullable(op, arg)]
    if len(required) > 1:
        return False
    candidates = required or items  # all optional (`(a*b*)*`): any of them may take the whole run
    for op, arg in candidates:
        if op in _REPEATS and op is not regex_parser.POSSESSIVE_REPEAT:
            low, high, _ = arg
            inner_unbounded = high is regex_parser.MAXREPEAT
            if high > low and (inner_unbounded or outer_unbounded):
                return True
        elif op is regex_parser.SUBPATTERN and _ambiguous(arg[3], outer_unbounded):
            return True
    return False


def _nullable(op: Any, arg: Any) -> bool:
    """Whether a parsed item can match the empty string."""
    if op in _REPEATS:
        return bool(arg[0] == 0) or all(_nullable(*item) for item in arg[2])
    if op is regex_parser.SUBPATTERN:
        return all(_nullable(*item) for item in arg[3])
    if op is regex_parser.BRANCH:
        return any(all(_nullable(*item) for item in alternative) for alternative in arg[1])
    if op is regex_parser.ATOMIC_GROUP:
        return all(_nullable(*item) for item in arg)
    return op in _ZERO_WIDTH


def _parts(arg: Any) -> list[Any]:
    """The parsed sub-patterns an item's argument holds, however deep in tuples and lists."""
    if isinstance(arg, regex_parser.SubPattern):
        return [arg]
    if isinstance(arg, tuple | list):
        return [part for item in arg for part in _parts(item)]
    return []
