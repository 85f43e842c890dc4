#include "cookiejar/browser_profile.h"

namespace cookiejar {

BrowserProfile BrowserProfile::Chromium() {
  BrowserProfile profile;
  profile.name = "chromium";
  // Recorded (tests/data/browsers): a cookie without SameSite, seconds old,
  // goes with a cross-site top-level POST.
  profile.same_site.lax_allowing_unsafe = true;
  // Recorded: a fresh profile has "Block third-party cookies" selected.
  profile.access_policy.accept = CookieAcceptPolicy::kBlockThirdParty;
  profile.limits = CookieLimits::Chromium();
  return profile;
}

BrowserProfile BrowserProfile::Firefox() {
  BrowserProfile profile;
  profile.name = "firefox";
  profile.syntax.bare_token = CookieSyntaxRules::BareToken::kName;
  profile.syntax.allow_empty_name = false;
  profile.syntax.reject_tab = false;
  profile.syntax.replace_invalid_utf8 = true;
  profile.syntax.allow_unicode_domain = false;
  profile.syntax.priority = false;
  profile.syntax.dates = CookieDateSyntax::kFirefox;
  profile.prefixes.host_needs_path_attribute = false;
  profile.overwrite_keeps_creation = true;
  // network.cookie.sameSite.laxByDefault = false, .schemeful = false.
  profile.same_site.lax_by_default = false;
  profile.same_site.schemeful = false;
  profile.same_site.lax_allowing_unsafe = false;
  // Recorded: a redirect through another site makes the request cross-site
  // (A -> B -> A sends no Strict cookies on the last hop; a typed URL that
  // redirects from A to B sends none of B's).
  profile.same_site.redirect_chain = true;
  // network.cookie.cookieBehavior = 5 (Total Cookie Protection).
  profile.access_policy.accept = CookieAcceptPolicy::kPartitionThirdParty;
  profile.partition_ancestors = CookiePartitionKey::Ancestors::kFramesOnly;
  profile.limits = CookieLimits::Firefox();
  return profile;
}

BrowserProfile BrowserProfile::Rfc6265Minimum() {
  BrowserProfile profile = Chromium();
  profile.name = "rfc6265-minimum";
  profile.limits = CookieLimits::Rfc6265Minimum();
  return profile;
}

BrowserProfile BrowserProfile::Unlimited() {
  BrowserProfile profile = Chromium();
  profile.name = "unlimited";
  profile.limits = CookieLimits::Unlimited();
  return profile;
}

std::optional<BrowserProfile> BrowserProfile::Named(std::string_view name) {
  if (name == "chromium") return Chromium();
  if (name == "firefox") return Firefox();
  if (name == "rfc6265-minimum") return Rfc6265Minimum();
  if (name == "unlimited") return Unlimited();
  return std::nullopt;
}

}  // namespace cookiejar
