#include "cli/json_output.h"

#include <iostream>

#include "absl/strings/escaping.h"
#include "cli/terminal_text.h"
#include "common/absl_view.h"

namespace cookiejar {

using nlohmann::json;

namespace {

json PartitionJson(const CookiePartitionKey& partition) {
  return {{"top_level_site", partition.top_level_site},
          {"cross_site_ancestor", partition.cross_site_ancestor}};
}

}  // namespace

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
  out["partition"] = c.partition_key ? PartitionJson(*c.partition_key) : json(nullptr);
  return out;
}

json ResolvedJson(const ResolvedRequest& request) {
  json out = json::object();
  SetText(out, "url", request.url().Spec());
  out["same_site"] = std::string(SameSiteContextName(request.same_site_for_sending()));
  out["same_site_for_setting"] = std::string(SameSiteContextName(request.same_site_for_setting()));
  out["third_party"] = request.third_party();
  out["partition"] = PartitionJson(request.partition());
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
