#include "cookiejar/cookie_request.h"

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "jar/internal/request_decisions.h"

namespace cookiejar {
namespace jar_internal {
namespace {

// `what` names the URL in the error: the request's, "initiator", ...
absl::Status ParseInto(std::string_view what, const std::string& text, Url* out) {
  absl::Status status = Url::ParseInto(text, out);
  if (status.ok()) return status;
  return absl::InvalidArgumentError(absl::StrCat(AbslView(what), ": ", status.message()));
}

absl::Status ParseList(std::string_view what, const std::vector<std::string>& texts,
                       std::vector<Url>* out) {
  out->resize(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    absl::Status status = ParseInto(absl::StrCat(AbslView(what), " ", i), texts[i], &(*out)[i]);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status ParseOptional(std::string_view what, const std::string& text,
                           std::optional<Url>* out) {
  if (text.empty()) return absl::OkStatus();
  return ParseInto(what, text, &out->emplace());
}

}  // namespace

absl::StatusOr<ResolvedRequest> ResolvedRequestAccess::Resolve(const CookieRequest& request,
                                                               const SiteRules& rules) {
  auto state = std::make_shared<ResolvedState>();
  state->request = request;
  const RequestContext& context = state->request.context;
  absl::Status status = ParseInto("request URL", state->request.url, &state->url);
  if (status.ok()) status = ParseOptional("initiator", context.initiator, &state->initiator);
  if (status.ok()) status = ParseOptional("top-level URL", context.top_level_url, &state->top_level);
  if (status.ok()) status = ParseList("frame ancestor", context.frame_ancestors, &state->frames);
  if (status.ok()) status = ParseList("redirect chain URL", state->request.redirect_chain, &state->chain);
  if (!status.ok()) return status;

  CookieOptions& options = state->options;
  options.api = state->request.api;
  options.top_level_navigation = context.top_level_navigation;
  options.initiator = state->initiator ? &*state->initiator : nullptr;
  options.top_level_url = state->top_level ? &*state->top_level : nullptr;
  options.frame_ancestors = &state->frames;
  options.redirect_chain = &state->chain;
  options.method = state->request.method;
  state->rules = rules;
  state->decisions = RequestDecisions(rules, state->url, options).All();
  return ResolvedRequest(std::move(state));
}

}  // namespace jar_internal

using jar_internal::ResolvedRequestAccess;

const CookieRequest& ResolvedRequest::request() const {
  return ResolvedRequestAccess::State(*this).request;
}

const Url& ResolvedRequest::url() const { return ResolvedRequestAccess::State(*this).url; }

const CookieOptions& ResolvedRequest::options() const {
  return ResolvedRequestAccess::State(*this).options;
}

SameSiteContext ResolvedRequest::same_site_for_sending() const {
  return ResolvedRequestAccess::State(*this).decisions.same_site_for_sending;
}

SameSiteContext ResolvedRequest::same_site_for_setting() const {
  return ResolvedRequestAccess::State(*this).decisions.same_site_for_setting;
}

bool ResolvedRequest::third_party() const {
  return ResolvedRequestAccess::State(*this).decisions.third_party;
}

const CookiePartitionKey& ResolvedRequest::partition() const {
  return ResolvedRequestAccess::State(*this).decisions.partition;
}

std::string ResolvedRequest::ToString() const {
  const jar_internal::Decisions& d = ResolvedRequestAccess::State(*this).decisions;
  std::string text(SameSiteContextName(d.same_site_for_sending));
  if (d.same_site_for_setting != d.same_site_for_sending) {
    absl::StrAppend(&text, " (", AbslView(SameSiteContextName(d.same_site_for_setting)),
                    " for the cookies its response sets)");
  }
  absl::StrAppend(&text, d.third_party ? ", third-party" : ", first-party", ", partition ",
                  d.partition.ToString());
  return text;
}

}  // namespace cookiejar
