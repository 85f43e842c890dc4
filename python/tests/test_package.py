"""The package as a user meets it: its version, its documentation, the old
names of 1.0, and the stores as context managers."""

import inspect
import pathlib
import re

import pytest

import cookiejar

SOURCES_BZL = pathlib.Path(__file__).resolve().parents[2] / "sources.bzl"

# What pybind11 adds to every class it makes, never declared by a binding.
PYBIND_MEMBERS = {"__doc__", "__module__", "__dict__", "__weakref__", "_pybind11_conduit_v1_"}


def test_version_is_the_librarys():
    match = re.search(r'^VERSION = "([^"]+)"$', SOURCES_BZL.read_text(encoding="utf-8"),
                      re.MULTILINE)
    assert cookiejar.__version__ == match.group(1)
    assert cookiejar.__version__ == cookiejar._cookiejar.__version__


def _public_api():
    """(qualified name, object) of every public class, function, method and
    property of the package."""
    for name in cookiejar.__all__:
        if name == "SqliteStore" and not cookiejar.HAS_SQLITE:
            continue
        if name == "browser_databases" and not cookiejar.HAS_FORMATS:
            continue
        obj = getattr(cookiejar, name)
        yield f"cookiejar.{name}", obj
        if not inspect.isclass(obj):
            continue
        for cls in obj.__mro__:
            if cls is object or not cls.__module__.startswith("cookiejar"):
                continue  # What requests' or httpx's base classes bring.
            for member, value in vars(cls).items():
                if member.startswith("_") and member not in (
                        "__iter__", "__len__", "__getitem__", "__setitem__",
                        "__delitem__", "__contains__", "__enter__", "__exit__"):
                    continue
                if member in PYBIND_MEMBERS or member in ("iterkeys", "itervalues",
                                                          "iteritems"):
                    continue  # requests' Python 2 spellings, aliases of keys()...
                if member == "__init__":
                    continue  # The class's docstring says how to make one.
                if not callable(value) and not isinstance(value, property):
                    continue  # A dataclass field's default: the class lists them.
                yield f"cookiejar.{name}.{member}", value


def _documentation(obj):
    if isinstance(obj, property) and not obj.__doc__:
        obj = obj.fget
    doc = inspect.getdoc(obj) or ""
    if type(obj).__name__ in ("builtin_function_or_method", "instancemethod"):
        # pybind11's first line is the signature, not documentation.
        doc = "\n".join(doc.splitlines()[1:]).strip()
    return doc


def test_every_public_class_and_method_has_a_docstring():
    pytest.importorskip("requests")
    pytest.importorskip("httpx")
    undocumented = [name for name, obj in _public_api() if not _documentation(obj)]
    assert undocumented == []


def test_deprecated_names_warn_and_are_the_new_classes():
    with pytest.warns(DeprecationWarning, match="use cookiejar.NativeJar"):
        assert cookiejar.Jar is cookiejar.NativeJar
    with pytest.warns(DeprecationWarning, match="use cookiejar.HttpCookieJar"):
        assert cookiejar.CookieJar is cookiejar.HttpCookieJar


@pytest.mark.skipif(not cookiejar.HAS_SQLITE, reason="built without the SQLite store")
def test_a_store_used_in_with_is_closed_and_its_changes_written_even_on_an_error(tmp_path):
    path = str(tmp_path / "cookies.db")
    jar = cookiejar.NativeJar()
    with pytest.raises(KeyError):
        # flush_interval: only closing writes the change within the test.
        with cookiejar.SqliteStore(path, flush_interval=3600) as store:
            assert isinstance(store, cookiejar.SqliteStore)
            store.attach(jar, "work")
            jar.set_cookie("https://bank.example/", "sessionid=abc; Max-Age=3600")
            raise KeyError("the caller's own error passes through")
    with pytest.raises(cookiejar.StoreError, match="closed"):
        store.flush()
    again = cookiejar.NativeJar()
    with cookiejar.SqliteStore(path, read_only=True) as reader:
        reader.attach(again, "work")
    assert again.cookie_header("https://bank.example/") == "sessionid=abc"


def test_a_cookies_txt_file_used_in_with_releases_its_lock(tmp_path):
    path = str(tmp_path / "jar.txt")
    jar = cookiejar.NativeJar()
    jar.set_cookie("https://bank.example/", "sessionid=abc; Max-Age=3600")
    jar.export_cookies_txt(path)
    with cookiejar.CookiesTxtFile(path) as file:
        file.load(jar)
        with pytest.raises(cookiejar.StoreError) as busy:
            cookiejar.CookiesTxtFile(path)  # The first one holds the lock.
        assert busy.value.code == "unavailable"
    with pytest.raises(cookiejar.StoreError, match="closed"):
        file.save(jar)
    with cookiejar.CookiesTxtFile(path, lock_timeout=0) as second:
        loaded = cookiejar.NativeJar()
        assert second.load(loaded)["imported"] == 1
    assert loaded.cookie_header("https://bank.example/") == "sessionid=abc"
