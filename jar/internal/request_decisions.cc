#include "jar/internal/request_decisions.h"

#include "jar/internal/site_cache.h"

namespace cookiejar {
namespace jar_internal {

SiteRules SiteRules::Of(const BrowserRules& rules, const PublicSuffixList& psl) {
  SiteRules site_rules;
  site_rules.psl = &psl;
  site_rules.schemeful = rules.same_site.schemeful;
  site_rules.redirect_chain = rules.same_site.redirect_chain;
  site_rules.ancestors = rules.partition_ancestors;
  return site_rules;
}

RequestDecisions::RequestDecisions(const SiteRules& rules, const ResolvedRequest& request)
    : RequestDecisions(rules, ResolvedRequestAccess::State(request).url,
                       ResolvedRequestAccess::State(request).options) {
  const ResolvedState& state = ResolvedRequestAccess::State(request);
  if (!(state.rules == rules)) return;  // Decided again, by this jar's rules.
  const Decisions& made = state.decisions;
  sending_ = made.same_site_for_sending;
  setting_ = made.same_site_for_setting;
  third_party_ = made.third_party;
  partition_ = &made.partition;
}

const Url& RequestDecisions::MakeUrl() const {
  UrlParser::Assign(*parts_, scratch_);
  url_ = scratch_;
  return *url_;
}

SameSiteContext RequestDecisions::DecideSending() {
  // The chain makes a difference only when the rules weigh it and there is
  // one; otherwise both contexts are the same decision.
  const bool chain = rules_.redirect_chain && options_.redirect_chain != nullptr &&
                     !options_.redirect_chain->empty();
  if (!chain) {
    sending_ = SameSiteForSetting();
  } else {
    sending_ = ComputeSameSiteContext(url(), options_, *rules_.psl, rules_.schemeful,
                                      /*consider_redirect_chain=*/true);
  }
  return *sending_;
}

SameSiteContext RequestDecisions::DecideSetting() {
  // Browsers weigh the redirect chain, if at all, only for what they send
  // (recorded in Firefox: the last hop of A -> B -> A may set Strict
  // cookies).
  setting_ = ComputeSameSiteContext(url(), options_, *rules_.psl, rules_.schemeful,
                                    /*consider_redirect_chain=*/false);
  return *setting_;
}

bool RequestDecisions::DecideThirdParty() {
  third_party_ = IsThirdParty(url(), options_, *rules_.psl, rules_.schemeful);
  return *third_party_;
}

const CookiePartitionKey& RequestDecisions::Partition() {
  if (partition_ == nullptr) {
    own_partition_ = CookiePartitionKey::ForRequest(url(), options_, *rules_.psl,
                                                    rules_.ancestors, rules_.schemeful);
    partition_ = &*own_partition_;
  }
  return *partition_;
}

std::string_view RequestDecisions::Site() const {
  return LookupSite(*rules_.psl, host()).key;
}

Decisions RequestDecisions::All() {
  Decisions decisions;
  decisions.same_site_for_sending = SameSiteForSending();
  decisions.same_site_for_setting = SameSiteForSetting();
  decisions.third_party = ThirdParty();
  decisions.partition = Partition();
  return decisions;
}

}  // namespace jar_internal
}  // namespace cookiejar
