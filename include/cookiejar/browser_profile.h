// Deprecated: the header of BrowserRules before 2.0; include
// "cookiejar/browser_rules.h". Removed in 3.0.
#ifndef COOKIEJAR_BROWSER_PROFILE_H_
#define COOKIEJAR_BROWSER_PROFILE_H_
#include "cookiejar/browser_rules.h"
#endif  // COOKIEJAR_BROWSER_PROFILE_H_
