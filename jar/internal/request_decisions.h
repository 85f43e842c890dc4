// What a jar decides about one request before it touches a cookie: the
// SameSite context, third-party status and partition (cookie_request.h).
// The jar's core asks this, and only this, about a request; this asks
// same_site.h and cookie_partition_key.h, which compare sites through the
// per-thread site cache (site_cache.h). Nothing here calls back into the
// core: the calls go one way, core -> decisions -> sites -> suffix list.
//
// Two ways in: a request resolved beforehand (ResolvedRequest), whose
// decisions are taken as they are when its rules match the jar's; or a URL
// and CookieOptions from the hot path, where each decision is made when
// first asked for — a plain lookup asks only for the SameSite context, and
// that costs nothing without a browsing context.

#ifndef COOKIEJAR_JAR_INTERNAL_REQUEST_DECISIONS_H_
#define COOKIEJAR_JAR_INTERNAL_REQUEST_DECISIONS_H_

#include <optional>
#include <string_view>
#include <vector>

#include "cookiejar/browser_rules.h"
#include "cookiejar/canonical_host.h"
#include "cookiejar/cookie_options.h"
#include "cookiejar/cookie_partition_key.h"
#include "cookiejar/cookie_request.h"
#include "cookiejar/public_suffix_list.h"
#include "cookiejar/same_site.h"
#include "jar/internal/cookie_draft.h"
#include "cookiejar/url.h"
#include "jar/internal/url_parser.h"

namespace cookiejar {
namespace jar_internal {

// The part of a jar's rules that its decisions about a request follow.
struct SiteRules {
  const PublicSuffixList* psl = nullptr;
  bool schemeful = true;
  // Whether a cross-site hop of the redirect chain makes the cookies a
  // request sends cross-site (SameSitePolicy::redirect_chain).
  bool redirect_chain = false;
  CookiePartitionKey::Ancestors ancestors = CookiePartitionKey::Ancestors::kFramesAndRequest;

  static SiteRules Of(const BrowserRules& rules, const PublicSuffixList& psl);
  bool operator==(const SiteRules& other) const {
    return psl == other.psl && schemeful == other.schemeful &&
           redirect_chain == other.redirect_chain && ancestors == other.ancestors;
  }
};

// The decisions, all made.
struct Decisions {
  SameSiteContext same_site_for_sending = SameSiteContext::kStrict;
  SameSiteContext same_site_for_setting = SameSiteContext::kStrict;
  bool third_party = false;
  CookiePartitionKey partition;
};

// A resolved request's state (behind ResolvedRequest): its description, its
// URLs parsed, CookieOptions pointing into them, and the decisions.
struct ResolvedState {
  ResolvedState() = default;
  ResolvedState(const ResolvedState&) = delete;
  ResolvedState& operator=(const ResolvedState&) = delete;

  CookieRequest request;
  Url url;
  std::optional<Url> initiator;
  std::optional<Url> top_level;
  std::vector<Url> frames;
  std::vector<Url> chain;
  CookieOptions options;
  SiteRules rules;
  Decisions decisions;
};

// Makes and reads ResolvedRequests (whose constructor and state are private).
class ResolvedRequestAccess {
 public:
  // Parses `request`'s URLs and makes every decision by `rules`.
  // InvalidArgument naming the URL that does not parse.
  static absl::StatusOr<ResolvedRequest> Resolve(const CookieRequest& request,
                                                 const SiteRules& rules);
  static const ResolvedState& State(const ResolvedRequest& request) { return *request.state_; }
};

// The decisions about one request, each made at most once.
class RequestDecisions {
 public:
  // `url` and `options` (and what they point to) must outlive this.
  RequestDecisions(const SiteRules& rules, const Url& url, const CookieOptions& options)
      : rules_(rules), url_(&url), options_(options) {}
  // A URL the fast path took: a lookup reads its host and path where they
  // are written, and only a decision that needs the whole Url has it made,
  // in `*scratch`. `parts` (and the text it views), `scratch` and `options`
  // must outlive this.
  RequestDecisions(const SiteRules& rules, const CommonUrl& parts, Url* scratch,
                   const CookieOptions& options)
      : rules_(rules), parts_(&parts), scratch_(scratch), options_(options) {}
  // Takes `request`'s decisions when they were made by the same rules.
  RequestDecisions(const SiteRules& rules, const ResolvedRequest& request);
  RequestDecisions(const RequestDecisions&) = delete;
  RequestDecisions& operator=(const RequestDecisions&) = delete;

  const Url& url() const { return url_ != nullptr ? *url_ : MakeUrl(); }
  // The URL's host and path, and whether it may receive Secure cookies
  // (Url::IsPotentiallyTrustworthy), without making the Url.
  std::string_view host() const { return parts_ != nullptr ? parts_->host : url_->host(); }
  std::string_view path() const { return parts_ != nullptr ? parts_->path : url_->path(); }
  bool trustworthy() const {
    return parts_ != nullptr ? parts_->https || IsLocalhost(parts_->host)
                             : url_->IsPotentiallyTrustworthy();
  }
  // What a Set-Cookie's draft reads of the URL, without making the Url.
  SetterUrl setter_url() const {
    if (parts_ == nullptr) return SetterUrl::Of(*url_);
    return {parts_->host, HostKind::kDomain, parts_->path, parts_->https, trustworthy()};
  }
  // Whether the host is known to be a domain name, not an IP literal: a
  // URL the fast path took (which refuses a numeric last label). False
  // says only that it is not known.
  bool host_is_name() const { return parts_ != nullptr; }
  const CookieOptions& options() const { return options_; }

  // Inline, for the hot path's plain lookup (no initiator, top-level page
  // or weighed redirect chain: every decision is "same-site, first-party"
  // without comparing a site).
  SameSiteContext SameSiteForSending() {
    if (sending_) return *sending_;
    if (NoSiteToCompare(rules_.redirect_chain)) return SameSiteContext::kStrict;
    return DecideSending();
  }
  SameSiteContext SameSiteForSetting() {
    if (setting_) return *setting_;
    if (NoSiteToCompare(false)) return SameSiteContext::kStrict;
    return DecideSetting();
  }
  bool ThirdParty() {
    if (third_party_) return *third_party_;
    if (options_.top_level_navigation || options_.top_level_url == nullptr) return false;
    return DecideThirdParty();
  }
  const CookiePartitionKey& Partition();
  // The registrable domain of the URL's host, or the host: the site that
  // access-policy exceptions name.
  std::string_view Site() const;

  // Every decision, made now.
  Decisions All();

 private:
  // Whether the request names no other site: no initiator, no top-level
  // page and (when `chain` asks) no redirect chain. Frames count only under
  // a top-level page (same_site.h).
  bool NoSiteToCompare(bool chain) const {
    return options_.initiator == nullptr && options_.top_level_url == nullptr &&
           (!chain || options_.redirect_chain == nullptr || options_.redirect_chain->empty());
  }
  // The Url of a request from the fast path, made in the scratch Url.
  const Url& MakeUrl() const;
  SameSiteContext DecideSending();
  SameSiteContext DecideSetting();
  bool DecideThirdParty();

  const SiteRules& rules_;
  // From the fast path, url_ is made from parts_ on first use.
  mutable const Url* url_ = nullptr;
  const CommonUrl* parts_ = nullptr;
  Url* scratch_ = nullptr;
  const CookieOptions& options_;
  std::optional<SameSiteContext> sending_;
  std::optional<SameSiteContext> setting_;
  std::optional<bool> third_party_;
  const CookiePartitionKey* partition_ = nullptr;  // Made or borrowed.
  std::optional<CookiePartitionKey> own_partition_;
};

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_REQUEST_DECISIONS_H_
