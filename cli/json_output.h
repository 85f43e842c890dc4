// The --json output of the cookiejar command: one JSON document on stdout per
// run, with the field names docs/cli.md lists (they are stable: scripts rely
// on them). Text that is not valid UTF-8 (a cookie name or value may hold
// any bytes) is written with U+FFFD in place of the bad bytes and, beside it,
// the exact bytes in base64 ("value_base64").

#ifndef COOKIEJAR_CLI_JSON_OUTPUT_H_
#define COOKIEJAR_CLI_JSON_OUTPUT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "cookiejar/canonical_cookie.h"
#include "cookiejar/cookie_inclusion_status.h"
#include "cookiejar/cookie_request.h"

namespace cookiejar {

// Sets object[key] to `text`, adding key + "_base64" when it is not UTF-8.
void SetText(nlohmann::json& object, const std::string& key, std::string_view text);

// "2026-11-29T11:47:16.736779Z"; null for absl::InfiniteFuture().
nlohmann::json TimeJson(absl::Time time);

// {"name", "value", "domain", "host_only", "path", "expires", "creation",
//  "last_access", "secure", "http_only", "same_site", "priority",
//  "source_scheme", "partition"}.
nlohmann::json CookieJson(const CanonicalCookie& cookie);

// What the jar decided about a request: {"url", "same_site",
// "same_site_for_setting" ("strict", "lax", "lax-method-unsafe",
// "cross-site"), "third_party", "partition": {"top_level_site",
// "cross_site_ancestor"}}.
nlohmann::json ResolvedJson(const ResolvedRequest& request);

// The reason names of `status` ("secure_only"...), empty when it includes.
nlohmann::json ReasonsJson(const CookieInclusionStatus& status);

// Writes `document` and a newline to stdout.
void PrintJson(const nlohmann::json& document);

}  // namespace cookiejar

#endif  // COOKIEJAR_CLI_JSON_OUTPUT_H_
