#include "cookiejar/browser_rules.h"

namespace cookiejar {

BrowserRules BrowserRules::Chromium() {
  BrowserRules rules;
  rules.name = "chromium";
  // Recorded (tests/data/browsers): a cookie without SameSite, seconds old,
  // goes with a cross-site top-level POST.
  rules.same_site.lax_allowing_unsafe = true;
  // Recorded: a fresh profile has "Block third-party cookies" selected.
  rules.access_policy.accept = CookieAcceptPolicy::kBlockThirdParty;
  rules.limits = CookieLimits::Chromium();
  return rules;
}

BrowserRules BrowserRules::Firefox() {
  BrowserRules rules;
  rules.name = "firefox";
  rules.syntax.bare_token = CookieSyntaxRules::BareToken::kName;
  rules.syntax.allow_empty_name = false;
  rules.syntax.reject_tab = false;
  rules.syntax.replace_invalid_utf8 = true;
  rules.syntax.allow_unicode_domain = false;
  rules.syntax.priority = false;
  rules.syntax.dates = CookieDateSyntax::kFirefox;
  rules.prefixes.host_needs_path_attribute = false;
  rules.overwrite_keeps_creation = true;
  // network.cookie.sameSite.laxByDefault = false, .schemeful = false.
  rules.same_site.lax_by_default = false;
  rules.same_site.schemeful = false;
  rules.same_site.lax_allowing_unsafe = false;
  // Recorded: a redirect through another site makes the request cross-site
  // (A -> B -> A sends no Strict cookies on the last hop; a typed URL that
  // redirects from A to B sends none of B's).
  rules.same_site.redirect_chain = true;
  // network.cookie.cookieBehavior = 5 (Total Cookie Protection).
  rules.access_policy.accept = CookieAcceptPolicy::kPartitionThirdParty;
  rules.partition_ancestors = CookiePartitionKey::Ancestors::kFramesOnly;
  rules.limits = CookieLimits::Firefox();
  return rules;
}

BrowserRules BrowserRules::Rfc6265Minimum() {
  BrowserRules rules = Chromium();
  rules.name = "rfc6265-minimum";
  rules.limits = CookieLimits::Rfc6265Minimum();
  return rules;
}

BrowserRules BrowserRules::Unlimited() {
  BrowserRules rules = Chromium();
  rules.name = "unlimited";
  rules.limits = CookieLimits::Unlimited();
  return rules;
}

std::optional<BrowserRules> BrowserRules::Named(std::string_view name) {
  if (name == "chromium") return Chromium();
  if (name == "firefox") return Firefox();
  if (name == "rfc6265-minimum") return Rfc6265Minimum();
  if (name == "unlimited") return Unlimited();
  return std::nullopt;
}

}  // namespace cookiejar
