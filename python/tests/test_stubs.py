"""The type stubs of the extension module (cookiejar/_cookiejar.pyi) against
the module as built, and the documentation of the public API.

pybind11 writes each function's signature as the first line of its
docstring ("name(self: T, url: object, *, method: object = 'GET') -> bytes");
the stubs are parsed with ast. Both must give the same names, the same
members of each class and the same parameters (name, kind, default) in the
same order, so a binding changed without its stub (or the reverse) fails
here.
"""

import ast
import pathlib
import re

import pytest

from cookiejar import _cookiejar

STUBS = pathlib.Path(_cookiejar.__file__).with_name("_cookiejar.pyi")

# What pybind11 adds to every class it makes, never declared by a binding.
PYBIND_MEMBERS = {"__doc__", "__module__", "__dict__", "__weakref__", "_pybind11_conduit_v1_"}


def _stub_tree():
    return ast.parse(STUBS.read_text(encoding="utf-8"))


def _stub_params(function):
    """[(name, kind, default)] of an ast function, default as a Python value
    (or None when there is none); kind as inspect.Parameter's names."""
    args = function.args
    params = []
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, defaults):
        params.append((arg.arg, "POSITIONAL_OR_KEYWORD",
                       None if default is None else ("=", ast.literal_eval(default))))
    if args.vararg:
        params.append((args.vararg.arg, "VAR_POSITIONAL", None))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append((arg.arg, "KEYWORD_ONLY",
                       None if default is None else ("=", ast.literal_eval(default))))
    if args.kwarg:
        params.append((args.kwarg.arg, "VAR_KEYWORD", None))
    return params


def _split_top_level(text):
    """Splits "a: T = 'x, y', b: List[int]" at the commas outside brackets and
    quotes."""
    parts, depth, quote, start = [], 0, None, 0
    for i, c in enumerate(text):
        if quote:
            if c == quote and text[i - 1] != "\\":
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    if text[start:].strip():
        parts.append(text[start:].strip())
    return parts


def _runtime_params(function, name):
    """[(name, kind, default)] from the pybind11 signature line of a bound
    function (or property getter)."""
    doc = function.__doc__ or ""
    line = doc.splitlines()[0] if doc else ""
    match = re.match(r"^%s\((.*)\)( -> .*)?$" % re.escape(name), line)
    assert match, f"{name}: no pybind11 signature in its docstring: {line!r}"
    params, kind = [], "POSITIONAL_OR_KEYWORD"
    for part in _split_top_level(match.group(1)):
        if part == "*":
            kind = "KEYWORD_ONLY"
            continue
        if part.startswith("**"):
            params.append((part[2:].split(":")[0], "VAR_KEYWORD", None))
            continue
        if part.startswith("*"):
            params.append((part[1:].split(":")[0], "VAR_POSITIONAL", None))
            kind = "KEYWORD_ONLY"
            continue
        head, _, default = part.partition(" = ")
        param = head.split(":")[0].strip()
        params.append((param, kind, ("=", ast.literal_eval(default)) if default else None))
    return params


def _stub_module():
    """{name: ast node} of the stub's public module-level names."""
    names = {}
    for node in _stub_tree().body:
        if isinstance(node, ast.ClassDef):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign):
            names[node.target.id] = node
        elif isinstance(node, ast.FunctionDef):
            names[node.name] = node
    return {n: node for n, node in names.items() if not n.startswith("_") or n == "__version__"}


def _runtime_module():
    names = {n for n in vars(_cookiejar) if not n.startswith("_") or n == "__version__"}
    return names


def test_the_stubs_declare_every_name_of_the_module_and_no_other():
    assert set(_stub_module()) == _runtime_module()


@pytest.mark.parametrize("name", sorted(n for n, node in _stub_module().items()
                                        if isinstance(node, ast.ClassDef)))
def test_each_class_of_the_stubs_matches_the_module(name):
    stub = _stub_module()[name]
    cls = getattr(_cookiejar, name)
    stub_members = {}
    for node in stub.body:
        if isinstance(node, ast.FunctionDef):
            is_property = any(isinstance(d, ast.Name) and d.id == "property"
                              for d in node.decorator_list)
            stub_members[node.name] = ("property" if is_property else "method", node)
    runtime_members = {}
    for member, value in vars(cls).items():
        if member in PYBIND_MEMBERS:
            continue
        runtime_members[member] = ("property" if isinstance(value, property) else "method",
                                   value)
    assert sorted(stub_members) == sorted(runtime_members), name
    for member, (kind, node) in stub_members.items():
        runtime_kind, value = runtime_members[member]
        assert kind == runtime_kind, f"{name}.{member}: a {runtime_kind} in the module"
        if kind == "property":
            continue
        assert _stub_params(node) == _runtime_params(value, member), f"{name}.{member}"


def test_the_parameter_check_sees_a_difference():
    """The comparison is not vacuous: a stub with a renamed keyword, a lost
    default or a keyword made positional differs from the module."""
    tree = ast.parse("def cookies_txt_text(self) -> str: ...\n"
                     "def export_cookies_txt(self, path: str, lossy: bool = False) -> None: ...\n"
                     "def import_cookie(self, cookie, *, keep: bool = True) -> None: ...\n")
    runtime = _cookiejar.NativeJar
    same, moved, renamed = tree.body
    assert _stub_params(same) == _runtime_params(runtime.cookies_txt_text, "cookies_txt_text")
    assert _stub_params(moved) != _runtime_params(runtime.export_cookies_txt,
                                                  "export_cookies_txt")
    assert _stub_params(renamed) != _runtime_params(runtime.import_cookie, "import_cookie")


def test_the_package_is_marked_typed():
    assert STUBS.is_file()
    assert STUBS.with_name("py.typed").is_file()
