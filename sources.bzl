"""The library's source files, by package: the one list that both builds use.

The BUILD files load these lists; CMakeLists.txt reads this file as text
(cmake/BazelLists.cmake), so it must stay plain `NAME = [ "file", ... ]`
assignments of string lists. Paths are relative to the package named in the
list's comment.
"""

# common/
USER_FILE_SRCS = ["user_file.cc"]
USER_FILE_HDRS = ["user_file.h"]

# host/
HOST_SRCS = ["canonical_host.cc"]

# public_suffix/
PUBLIC_SUFFIX_TABLE_SRCS = ["internal/suffix_table.cc"]
PUBLIC_SUFFIX_TABLE_HDRS = ["internal/suffix_table.h"]
PUBLIC_SUFFIX_COMPILER_SRCS = ["tools/compile_psl.cc"]
PUBLIC_SUFFIX_SRCS = ["public_suffix_list.cc"]

# jar/
COOKIE_DATE_SRCS = ["cookie_date.cc"]
JAR_SRCS = [
    "browser_rules.cc",
    "canonical_cookie.cc",
    "clock.cc",
    "cookie_constants.cc",
    "cookie_inclusion_status.cc",
    "cookie_jar.cc",
    "cookie_limits.cc",
    "cookie_partition_key.cc",
    "cookie_request.cc",
    "eviction.cc",
    "internal/change_dispatcher.cc",
    "internal/cookie_draft.cc",
    "internal/lookup_clock.cc",
    "internal/cookie_bucket.cc",
    "internal/record_arena.cc",
    "internal/request_decisions.cc",
    "internal/site_cache.cc",
    "internal/utf8_repair.cc",
    "jar_core.cc",
    "jar_registry.cc",
    "parsed_cookie.cc",
    "same_site.cc",
    "url.cc",
]
JAR_HDRS = [
    "internal/byte_block.h",
    "internal/change_dispatcher.h",
    "internal/cookie_bucket.h",
    "internal/record_arena.h",
    "internal/cookie_draft.h",
    "internal/cookie_line.h",
    "internal/jar_core.h",
    "internal/lookup_clock.h",
    "internal/request_decisions.h",
    "internal/short_bytes.h",
    "internal/tagged_record_array.h",
    "internal/site_cache.h",
    "internal/url_parser.h",
    "internal/utf8_repair.h",
]

# persistence/
FILE_LOCK_SRCS = ["internal/file_lock.cc"]
FILE_LOCK_HDRS = ["internal/file_lock.h"]
# The CookieStore contract and the follower every store shares (in
# libcookiejar, so that each store's library links it once).
STORE_FOLLOWER_SRCS = [
    "cookie_store.cc",
    "internal/store_follower.cc",
]
STORE_FOLLOWER_HDRS = [
    "internal/store_backend.h",
    "internal/store_follower.h",
]
COOKIES_TXT_SRCS = ["cookies_txt.cc"]
SQLITE_STORE_SRCS = ["sqlite_cookie_store.cc"]
# Compiled into each store library that seals records (SQLite, Redis).
SEALING_SRCS = ["internal/sealing.cc"]
SEALING_HDRS = ["internal/sealing.h"]
BROWSER_FORMATS_SRCS = [
    "browser_databases.cc",
    "browser_discovery.cc",
    "internal/partition_site.cc",
    "internal/partition_site.h",
    "internal/secret_service.cc",
    "internal/secret_service.h",
    "storage_state.cc",
]
REDIS_STORE_SRCS = [
    "internal/redis_client.cc",
    "internal/redis_layout.cc",
    "redis_cookie_store.cc",
]
REDIS_STORE_HDRS = [
    "internal/redis_client.h",
    "internal/redis_layout.h",
]

# clients/
HTTP_CLIENT_SRCS = [
    "http_cookies.cc",
    "redirect_follower.cc",
]

# clients/curl/
CURL_CLIENT_SRCS = [
    "curl_cookie_client.cc",
    "curl_multi_client.cc",
    "curl_session.cc",
    "curl_transfer.cc",
    "http_exchange.cc",
]

# cli/
HAR_REPLAY_SRCS = ["har_replay.cc"]
HAR_REPLAY_HDRS = ["har_replay.h"]
CLI_SRCS = [
    "cookiejar_main.cc",
    "exit_codes.h",
    "formats.cc",
    "formats.h",
    "jar_file.cc",
    "jar_file.h",
    "json_output.cc",
    "json_output.h",
    "response_headers.cc",
    "response_headers.h",
    "standard_input.cc",
    "standard_input.h",
    "terminal_text.cc",
    "terminal_text.h",
]

# include/cookiejar/: the installed headers, by library.
ENGINE_HEADERS = [
    "browser_profile.h",  # Deprecated: forwards to browser_rules.h until 3.0.
    "browser_rules.h",
    "canonical_cookie.h",
    "canonical_host.h",
    "clock.h",
    "cookie_access_policy.h",
    "cookie_change.h",
    "cookie_constants.h",
    "cookie_date.h",
    "cookie_inclusion_status.h",
    "cookie_jar.h",
    "cookie_limits.h",
    "cookie_options.h",
    "cookie_partition_key.h",
    "cookie_request.h",
    "cookie_store.h",
    "cookies_txt.h",
    "http_cookies.h",
    "jar_registry.h",
    "parsed_cookie.h",
    "public_suffix_list.h",
    "redirect_follower.h",
    "same_site.h",
    "store_key_ring.h",
    "url.h",
]
C_API_HEADERS = ["cookiejar_c.h"]
# The old paths (one line forwarding to the new one) go in 3.0.0.
SQLITE_STORE_HEADERS = [
    "sqlite/sqlite_cookie_store.h",
    "sqlite_cookie_store.h",
]
BROWSER_FORMATS_HEADERS = [
    "formats/browser_databases.h",
    "formats/storage_state.h",
    "browser_stores.h",  # Deprecated: forwards to formats/browser_databases.h until 2.0.
    "storage_state.h",  # Deprecated: forwards to formats/storage_state.h until 2.0.
]
REDIS_STORE_HEADERS = [
    "redis/redis_cookie_store.h",
    "redis_cookie_store.h",
]
CURL_CLIENT_HEADERS = [
    "curl/curl_cookie_client.h",
    "curl/curl_multi_client.h",
    "curl/curl_session.h",
    "curl/curl_transfer.h",
    "curl/http_exchange.h",
]
# Deprecated: the curl headers' paths before 2.0, each forwarding to curl/.
# Removed in 3.0.
CURL_CLIENT_FORWARDING_HEADERS = [
    "curl_cookie_client.h",
    "curl_multi_client.h",
]

# capi/
C_API_SRCS = ["cookiejar_c.cc"]

# The library's version (the C API, the command, the Python module and the
# packages report it). Its major number is the shared libraries' SONAME
# (libcookiejar.so.2): raise it with every incompatible ABI change
# (tools/abi_check.sh, docs/abi.md), and keep debian/changelog in step.
VERSION = "2.0.0"

# The flag every target compiles with (Bazel 4 defaults to C++0x).
COPTS = ["-std=c++17"]
