// Deprecated, removed in 2.0: include "cookiejar/formats/browser_databases.h"
// and use its names (a browser's own cookie file is a *browser database*; a
// *store* is only where a jar's cookies live, the CookieStore contract).

#ifndef COOKIEJAR_BROWSER_STORES_H_
#define COOKIEJAR_BROWSER_STORES_H_

#include <string>
#include <vector>

#include "cookiejar/formats/browser_databases.h"

namespace cookiejar {

using BrowserStoreKind [[deprecated("use BrowserDatabaseKind")]] = BrowserDatabaseKind;
using BrowserStoreOptions [[deprecated("use BrowserDatabaseOptions")]] = BrowserDatabaseOptions;
using BrowserStoreReport [[deprecated("use BrowserDatabaseReport")]] = BrowserDatabaseReport;

[[deprecated("use BrowserDatabaseKindName")]] inline std::string_view BrowserStoreKindName(
    BrowserDatabaseKind kind) {
  return BrowserDatabaseKindName(kind);
}

[[deprecated("use DetectBrowserDatabase")]] inline absl::StatusOr<BrowserDatabaseKind>
DetectBrowserStore(const std::string& path, const BrowserDatabaseOptions& options = {}) {
  return DetectBrowserDatabase(path, options);
}

[[deprecated("use ReadBrowserDatabase")]] inline absl::StatusOr<std::vector<CanonicalCookie>>
ReadBrowserStore(const std::string& path, BrowserDatabaseReport* report,
                 const BrowserDatabaseOptions& options = {}) {
  return ReadBrowserDatabase(path, report, options);
}

[[deprecated("use ImportBrowserDatabase")]] inline absl::StatusOr<BrowserDatabaseReport>
ImportBrowserStore(const std::string& path, CookieJar* jar,
                   const BrowserDatabaseOptions& options = {}) {
  return ImportBrowserDatabase(path, jar, options);
}

}  // namespace cookiejar

#endif  // COOKIEJAR_BROWSER_STORES_H_
