// Deprecated: include "cookiejar/sqlite/sqlite_cookie_store.h". Removed in 3.0.
#include "cookiejar/sqlite/sqlite_cookie_store.h"  // IWYU pragma: export
