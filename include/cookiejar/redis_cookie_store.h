// Deprecated: include "cookiejar/redis/redis_cookie_store.h". Removed in 3.0.
#include "cookiejar/redis/redis_cookie_store.h"  // IWYU pragma: export
