// Deprecated, removed in 2.0: include "cookiejar/formats/storage_state.h".
#include "cookiejar/formats/storage_state.h"  // IWYU pragma: export
