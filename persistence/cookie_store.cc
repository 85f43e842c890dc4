#include "cookiejar/cookie_store.h"

namespace cookiejar {

CookieStore::~CookieStore() = default;

}  // namespace cookiejar
