#include "cli/json_output.h"

#include <iostream>

#include "absl/strings/escaping.h"
#include "cli/terminal_text.h"
#include "common/absl_view.h"

namespace cookiejar {

using nlohmann::json;

void SetText(json& object, const std::string& key, std::string_view text) {
  if (IsValidUtf8(text)) {
    object[key] = std::string(text);
    return;
  }
  object[key] = ValidUtf8(text);
  object[key + "_base64"] = absl::Base64Escape(AbslView(text));
}

json TimeJson(absl::Time time) {
  if (time == absl::InfiniteFuture()) return nullptr;
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", time, absl::UTCTimeZone());
}

json CookieJson(const CanonicalCookie& c) {
  json out = json::object();
  SetText(out, "name", c.name);
  SetText(out, "value", c.value);
  out["domain"] = c.domain;
  out["host_only"] = c.host_only;
  SetText(out, "path", c.path);
  out["expires"] = TimeJson(c.expiry);
  out["creation"] = TimeJson(c.creation);
  out["last_access"] = TimeJson(c.last_access);
  out["secure"] = c.secure;
  out["http_only"] = c.http_only;
  out["same_site"] = std::string(SameSiteName(c.same_site));
  out["priority"] = std::string(PriorityName(c.priority));
  out["source_scheme"] = c.source_scheme == CookieSourceScheme::kSecure ? "secure" : "non-secure";
  if (c.partition_key) {
    out["partition"] = {{"top_level_site", c.partition_key->top_level_site},
                        {"cross_site_ancestor", c.partition_key->cross_site_ancestor}};
  } else {
    out["partition"] = nullptr;
  }
  return out;
}

json ReasonsJson(const CookieInclusionStatus& status) {
  json reasons = json::array();
  for (int r = 0; r < static_cast<int>(CookieExclusionReason::kNumReasons); ++r) {
    const auto reason = static_cast<CookieExclusionReason>(r);
    if (status.Has(reason)) reasons.push_back(std::string(ExclusionReasonName(reason)));
  }
  return reasons;
}

void PrintJson(const json& document) {
  // Every string went through SetText or is ASCII: dump cannot fail.
  std::cout << document.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace cookiejar
