// One table of requests (tests/data/requests/resolution_cases.json, written
// by hand from the rules) resolved by every front-end: the C++ API, the C
// API and the HAR replay here, Python in python/tests/
// test_request_resolution.py. Each must come to the table's SameSite
// context, third-party status and partition.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/har_replay.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookie_request.h"
#include "cookiejar/cookiejar_c.h"
#include "cookiejar/http_cookies.h"
#include "gtest/gtest.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace {

using nlohmann::json;

// What a front-end decided, in the table's words.
struct Decided {
  std::string same_site;
  std::string same_site_for_setting;
  bool third_party = false;
  std::string partition_site;
  bool partition_cross_site = false;
};

struct Case {
  std::string name;
  std::string rules;
  CookieRequest request;
  Decided expect;
};

std::string Str(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? std::string() : it->get<std::string>();
}

std::vector<std::string> Strings(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? std::vector<std::string>() : it->get<std::vector<std::string>>();
}

std::vector<Case> LoadCases() {
  const json table = json::parse(testing::ReadTestData("requests/resolution_cases.json"));
  std::vector<Case> cases;
  for (const json& c : table.at("cases")) {
    Case out;
    out.name = Str(c, "name");
    out.rules = Str(c, "rules");
    out.request.url = Str(c, "url");
    if (c.contains("method")) out.request.method = Str(c, "method");
    out.request.context.top_level_navigation = c.value("top_level_navigation", true);
    out.request.context.top_level_url = Str(c, "top_level_url");
    out.request.context.initiator = Str(c, "initiator");
    out.request.context.frame_ancestors = Strings(c, "frame_ancestors");
    out.request.redirect_chain = Strings(c, "redirect_chain");
    const json& e = c.at("expect");
    out.expect = {Str(e, "same_site"), Str(e, "same_site_for_setting"), e.at("third_party"),
                  Str(e, "partition_site"), e.at("partition_cross_site")};
    cases.push_back(std::move(out));
  }
  return cases;
}

CookieJarOptions Options(const std::string& rules) {
  CookieJarOptions options;
  options.rules = *BrowserRules::Named(rules);
  return options;
}

Decided FromResolved(const ResolvedRequest& r) {
  return {std::string(SameSiteContextName(r.same_site_for_sending())),
          std::string(SameSiteContextName(r.same_site_for_setting())), r.third_party(),
          r.partition().top_level_site, r.partition().cross_site_ancestor};
}

void ExpectDecided(const Case& c, const Decided& got, const std::string& front_end) {
  SCOPED_TRACE(front_end + ": " + c.name + " (" + c.rules + ")");
  EXPECT_EQ(got.same_site, c.expect.same_site);
  EXPECT_EQ(got.same_site_for_setting, c.expect.same_site_for_setting);
  EXPECT_EQ(got.third_party, c.expect.third_party);
  EXPECT_EQ(got.partition_site, c.expect.partition_site);
  EXPECT_EQ(got.partition_cross_site, c.expect.partition_cross_site);
}

TEST(RequestResolutionTest, TheTableIsThere) { EXPECT_GE(LoadCases().size(), 15u); }

TEST(RequestResolutionTest, Cpp) {
  for (const Case& c : LoadCases()) {
    CookieJar jar(Options(c.rules));
    absl::StatusOr<ResolvedRequest> resolved = jar.Resolve(c.request);
    ASSERT_TRUE(resolved.ok()) << c.name << ": " << resolved.status();
    ExpectDecided(c, FromResolved(*resolved), "CookieJar::Resolve");
    absl::StatusOr<ResolvedRequest> by_client = HttpCookies(&jar).Resolve(c.request);
    ASSERT_TRUE(by_client.ok());
    ExpectDecided(c, FromResolved(*by_client), "HttpCookies::Resolve");
  }
}

TEST(RequestResolutionTest, CApi) {
  for (const Case& c : LoadCases()) {
    cookiejar_jar* jar = cookiejar_jar_new(c.rules.c_str());
    ASSERT_NE(jar, nullptr);
    std::vector<const char*> frames, chain;
    for (const std::string& f : c.request.context.frame_ancestors) frames.push_back(f.c_str());
    for (const std::string& h : c.request.redirect_chain) chain.push_back(h.c_str());
    cookiejar_request request{};
    request.top_level_navigation = c.request.context.top_level_navigation;
    const RequestContext& context = c.request.context;
    request.top_level_url = context.top_level_url.empty() ? nullptr : context.top_level_url.c_str();
    request.initiator_url = context.initiator.empty() ? nullptr : context.initiator.c_str();
    request.method = c.request.method.c_str();
    request.frame_ancestors = frames.data();
    request.frame_ancestor_count = frames.size();
    request.redirect_chain = chain.data();
    request.redirect_chain_length = chain.size();
    cookiejar_resolved_request resolved;
    ASSERT_EQ(cookiejar_resolve_request(jar, c.request.url.c_str(), &request, &resolved),
              COOKIEJAR_OK)
        << c.name << ": " << cookiejar_last_error();
    ExpectDecided(c,
                  {cookiejar_same_site_context_name(resolved.same_site),
                   cookiejar_same_site_context_name(resolved.same_site_for_setting),
                   resolved.third_party != 0, resolved.partition_site,
                   resolved.partition_cross_site_ancestor != 0},
                  "cookiejar_resolve_request");
    cookiejar_free(resolved.partition_site);
    cookiejar_jar_free(jar);
  }
}

// A HAR says which entries are documents (top-level navigations) and which
// are subresources of a page (whose first entry is the top-level URL), and
// the method; it has no initiator, frames or redirect chain, so only the
// cases without them can be written as one. Every entry claims a cookie the
// jar never has, so that each is reported with the request the jar resolved.
TEST(RequestResolutionTest, HarReplay) {
  size_t replayed = 0;
  for (const std::string rules : {"chromium", "firefox"}) {
    json entries = json::array();
    std::vector<const Case*> in_har;
    const std::vector<Case> cases = LoadCases();
    for (const Case& c : cases) {
      const RequestContext& context = c.request.context;
      if (c.rules != rules || !context.initiator.empty() || !context.frame_ancestors.empty() ||
          !c.request.redirect_chain.empty() ||
          (!context.top_level_navigation && context.top_level_url.empty())) {
        continue;
      }
      const std::string page = "page" + std::to_string(in_har.size());
      auto entry = [&](const std::string& url, const std::string& method, const char* type) {
        return json{{"pageref", page},
                    {"_resourceType", type},
                    {"startedDateTime", "2026-11-22T10:00:00.000Z"},
                    {"request",
                     {{"method", method},
                      {"url", url},
                      {"headers", json::array({{{"name", "Cookie"}, {"value", "probe=1"}}})}}},
                    {"response", {{"status", 200}, {"headers", json::array()}}}};
      };
      if (context.top_level_navigation) {
        entries.push_back(entry(c.request.url, c.request.method, "document"));
      } else {
        entries.push_back(entry(context.top_level_url, "GET", "document"));
        entries.push_back(entry(c.request.url, c.request.method, "image"));
      }
      in_har.push_back(&c);
    }
    absl::StatusOr<HarReplayResult> result =
        ReplayHar(json{{"log", {{"entries", entries}}}}.dump(), Options(rules));
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->differences.size(), entries.size());
    size_t next = 0;
    for (const Case* c : in_har) {
      // A subresource comes after the document of its page.
      if (!c->request.context.top_level_navigation) ++next;
      const HarDifference& difference = result->differences[next++];
      EXPECT_EQ(difference.method, c->request.method);
      ExpectDecided(*c, FromResolved(difference.request), "ReplayHar");
      ++replayed;
    }
  }
  EXPECT_GE(replayed, 8u);
}

}  // namespace
}  // namespace cookiejar
