"""Type stubs of cookiejar._cookiejar, the extension module
(python/cookiejar_module.cc). Use the cookiejar package, not this module.

python/tests/test_stubs.py checks these against the built module: the same
names, the same members of each class, and the same parameters (names,
kinds, defaults) for each method. Change both together.
"""

import os
from typing import Iterable, List, Optional, Tuple, TypedDict, Union

from ._types import Cookie

_Text = Union[str, bytes]
_Reasons = Tuple[str, ...]

class _CookiesTxtReport(TypedDict):
    imported: int
    expired: int
    errors: List[str]

class _BrowserDatabase(TypedDict):
    browser: str
    profile: str
    display_name: str
    path: str
    default: bool

class _BrowserImportReport(TypedDict, total=False):
    path: str
    browser: str
    profile: str  # Only when the source named a browser.
    imported: int
    expired: int
    not_decrypted: int
    other_jars: int
    rows_left_out: int
    problems: List[str]
    notes: List[str]
    keyring: str
    keyring_message: str

class _JsonReport(TypedDict):
    format: str
    imported: int
    expired: int
    ignored_origins: int
    problems: List[str]

class _AttachReport(TypedDict):
    loaded: int
    expired: int
    refused: List[str]
    evicted: int
    uploaded: int

__version__: str
HAS_SQLITE: bool
HAS_FORMATS: bool

class FakeClock:
    def __init__(self, start: float) -> None: ...
    def now(self) -> float: ...
    def set(self, now: float) -> None: ...
    def advance(self, seconds: float) -> None: ...

class NativeJar:
    def __init__(self, rules: str = "chromium", *, clock: Optional[FakeClock] = None) -> None: ...
    @property
    def rules(self) -> str: ...
    @property
    def clock(self) -> Optional[FakeClock]: ...
    def _store(
        self,
        url: _Text,
        lines: Iterable[_Text],
        status: int = 200,
        *,
        top_level_navigation: bool = True,
        initiator: Optional[_Text] = None,
        top_level_url: Optional[_Text] = None,
        method: _Text = "GET",
        redirect_chain: Optional[Iterable[_Text]] = None,
        frame_ancestors: Optional[Iterable[_Text]] = None,
        script: bool = False,
        server_date: Optional[_Text] = None,
    ) -> List[_Reasons]: ...
    def _header(
        self,
        url: _Text,
        *,
        top_level_navigation: bool = True,
        initiator: Optional[_Text] = None,
        top_level_url: Optional[_Text] = None,
        method: _Text = "GET",
        redirect_chain: Optional[Iterable[_Text]] = None,
        frame_ancestors: Optional[Iterable[_Text]] = None,
        script: bool = False,
    ) -> bytes: ...
    def _explain(
        self,
        url: _Text,
        whole_jar: bool = True,
        *,
        top_level_navigation: bool = True,
        initiator: Optional[_Text] = None,
        top_level_url: Optional[_Text] = None,
        method: _Text = "GET",
        redirect_chain: Optional[Iterable[_Text]] = None,
        frame_ancestors: Optional[Iterable[_Text]] = None,
        script: bool = False,
    ) -> List[Tuple[Cookie, _Reasons]]: ...
    def _cookies_for(
        self,
        url: _Text,
        *,
        top_level_navigation: bool = True,
        initiator: Optional[_Text] = None,
        top_level_url: Optional[_Text] = None,
        method: _Text = "GET",
        redirect_chain: Optional[Iterable[_Text]] = None,
        frame_ancestors: Optional[Iterable[_Text]] = None,
        script: bool = False,
    ) -> List[Cookie]: ...
    def _resolve(
        self,
        url: _Text,
        *,
        top_level_navigation: bool = True,
        initiator: Optional[_Text] = None,
        top_level_url: Optional[_Text] = None,
        method: _Text = "GET",
        redirect_chain: Optional[Iterable[_Text]] = None,
        frame_ancestors: Optional[Iterable[_Text]] = None,
        script: bool = False,
    ) -> Tuple[str, str, str, bool, str, bool]: ...
    def cookies(self) -> List[Cookie]: ...
    def import_cookie(self, cookie: Cookie, *, keep_times: bool = True) -> None: ...
    def delete(self, cookie: Cookie) -> bool: ...
    def clear(self) -> int: ...
    def end_session(self) -> int: ...
    def __len__(self) -> int: ...
    def import_cookies_txt(self, path: str) -> _CookiesTxtReport: ...
    def import_cookies_txt_text(self, text: _Text) -> _CookiesTxtReport: ...
    def export_cookies_txt(self, path: str, *, lossy: bool = False) -> None: ...
    def cookies_txt_text(self) -> str: ...
    def import_browser(
        self,
        source: Union[str, "os.PathLike[str]"],
        *,
        profile: Optional[str] = None,
        home: Optional[Union[str, "os.PathLike[str]"]] = None,
        keyring: bool = True,
        keyring_timeout: float = 10.0,
    ) -> _BrowserImportReport: ...
    def import_storage_state_text(self, text: _Text) -> _JsonReport: ...
    def storage_state_text(self, *, format: str = "storage-state", lossy: bool = False) -> str: ...
    def export_storage_state(
        self,
        path: Union[str, "os.PathLike[str]"],
        *,
        format: str = "storage-state",
        lossy: bool = False,
    ) -> None: ...

def browser_databases(
    browser: Optional[str] = None, *, home: Optional[Union[str, "os.PathLike[str]"]] = None
) -> List[_BrowserDatabase]: ...

class CookiesTxtFile:
    def __init__(self, path: str, *, read_only: bool = False, lock_timeout: float = 0.0) -> None: ...
    def load(self, jar: NativeJar) -> _CookiesTxtReport: ...
    def save(self, jar: NativeJar) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> "CookiesTxtFile": ...
    def __exit__(self, exc_type: object, exc_value: object, traceback: object) -> bool: ...

class SqliteStore:
    def __init__(
        self,
        path: str,
        *,
        read_only: bool = False,
        persist_session_cookies: bool = False,
        lock_timeout: float = 0.0,
        flush_interval: float = 30.0,
        flush_batch: int = 512,
    ) -> None: ...
    def attach(self, jar: NativeJar, profile: str = "default") -> _AttachReport: ...
    def detach(self, jar: NativeJar) -> None: ...
    def flush(self) -> None: ...
    def profiles(self) -> List[str]: ...
    def delete_profile(self, profile: str) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> "SqliteStore": ...
    def __exit__(self, exc_type: object, exc_value: object, traceback: object) -> bool: ...
