// SameSite (RFC 6265bis §5.7 step 17, §5.8.3), partitioned cookies (CHIPS),
// the third-party policy and change notifications.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "cookiejar/cookie_jar.h"

namespace cookiejar {
namespace {

using Reason = CookieExclusionReason;
using ::testing::ElementsAre;

Url U(std::string_view text) { return *Url::Parse(text); }

class BrowserPoliciesTest : public ::testing::Test {
 protected:
  BrowserPoliciesTest() : clock_(absl::FromUnixSeconds(1700000000)) { MakeJar({}); }

  // The SameSite and partition rules alone: Chromium's default of blocking
  // third-party cookies (tested on its own below) would hide them.
  void MakeJar(CookieJarOptions options) {
    options.clock = &clock_;
    if (!options.access_policy) options.access_policy = CookieAccessPolicy();
    jar_ = std::make_unique<CookieJar>(options);
  }

  // Options for a subresource of a page whose top-level URL is `top`.
  static CookieOptions Embedded(const Url& top) {
    CookieOptions options;
    options.top_level_url = &top;
    options.initiator = &top;
    return options;
  }

  // Options for a top-level navigation started from a page at `from`.
  static CookieOptions NavigationFrom(const Url& from, std::string_view method = "GET") {
    CookieOptions options;
    options.top_level_navigation = true;
    options.initiator = &from;
    options.method = method;
    return options;
  }

  std::string Get(std::string_view url, const CookieOptions& options = {}) {
    return jar_->GetCookieHeader(U(url), options);
  }

  FakeClock clock_;
  std::unique_ptr<CookieJar> jar_;
  const Url site_ = U("https://site.test/");
  const Url other_ = U("https://other.test/page");
};

// --- SameSite when sending ---

TEST_F(BrowserPoliciesTest, SameSiteStrictIsSentOnlyInSameSiteContexts) {
  jar_->SetCookie("https://site.test/", "s=1; SameSite=Strict");
  EXPECT_EQ(Get("https://site.test/"), "s=1");
  EXPECT_EQ(Get("https://www.site.test/", Embedded(U("https://api.site.test/"))), "");
  EXPECT_EQ(Get("https://site.test/", Embedded(U("https://app.site.test/"))), "s=1");
  CookieOptions typed;
  typed.top_level_navigation = true;  // No initiator: the user typed it.
  EXPECT_EQ(Get("https://site.test/", typed), "s=1");
  EXPECT_EQ(Get("https://site.test/", NavigationFrom(other_)), "");
  EXPECT_EQ(Get("https://site.test/", Embedded(other_)), "");
}

TEST_F(BrowserPoliciesTest, SameSiteLaxIsSentOnCrossSiteTopLevelSafeNavigations) {
  jar_->SetCookie("https://site.test/", "l=1; SameSite=Lax");
  EXPECT_EQ(Get("https://site.test/", NavigationFrom(other_)), "l=1");
  EXPECT_EQ(Get("https://site.test/", NavigationFrom(other_, "HEAD")), "l=1");
  EXPECT_EQ(Get("https://site.test/", NavigationFrom(other_, "POST")), "");
  EXPECT_EQ(Get("https://site.test/", Embedded(other_)), "");
}

TEST_F(BrowserPoliciesTest, SameSiteNoneIsSentEverywhere) {
  jar_->SetCookie("https://site.test/", "n=1; SameSite=None; Secure");
  EXPECT_EQ(Get("https://site.test/", Embedded(other_)), "n=1");
  EXPECT_EQ(Get("https://site.test/", NavigationFrom(other_, "POST")), "n=1");
}

TEST_F(BrowserPoliciesTest, UnspecifiedSameSiteIsTreatedAsLax) {
  jar_->SetCookie("https://site.test/", "u=1");
  EXPECT_EQ(Get("https://site.test/", NavigationFrom(other_)), "u=1");
  EXPECT_EQ(Get("https://site.test/", Embedded(other_)), "");
  auto explained = jar_->Explain(U("https://site.test/"), Embedded(other_));
  ASSERT_EQ(explained.size(), 1u);
  EXPECT_TRUE(explained[0].status.HasOnly(Reason::kSameSiteUnspecifiedTreatedAsLax));
}

TEST_F(BrowserPoliciesTest, LaxAllowingUnsafeSendsYoungDefaultCookiesOnCrossSitePost) {
  // On in Chromium 156 (recorded, embedded-00313..00328).
  jar_->SetCookie("https://site.test/", "u=1");
  jar_->SetCookie("https://site.test/", "l=1; SameSite=Lax");
  clock_.Advance(absl::Minutes(2));
  EXPECT_EQ(Get("https://site.test/", NavigationFrom(other_, "POST")), "u=1");
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(Get("https://site.test/", NavigationFrom(other_, "POST")), "");
}

TEST_F(BrowserPoliciesTest, LaxAllowingUnsafeCanBeTurnedOff) {
  CookieJarOptions options;
  options.rules.same_site.lax_allowing_unsafe = false;
  MakeJar(options);
  jar_->SetCookie("https://site.test/", "u=1");
  EXPECT_EQ(Get("https://site.test/", NavigationFrom(other_, "POST")), "");
}

TEST_F(BrowserPoliciesTest, ChromiumBlocksThirdPartyCookiesOutOfTheBox) {
  // Recorded: a fresh Chromium 156 profile has "Block third-party cookies"
  // selected; cross-site subresources neither send nor set cookies, while
  // partitioned ones work.
  CookieJarOptions options;
  options.clock = &clock_;
  CookieJar chromium(options);
  chromium.SetCookie("https://site.test/", "n=1; SameSite=None; Secure");
  EXPECT_EQ(chromium.GetCookieHeader(U("https://site.test/"), Embedded(other_)), "");
  EXPECT_EQ(chromium.GetCookieHeader(U("https://site.test/")), "n=1");
  EXPECT_TRUE(chromium.SetCookie(U("https://site.test/"), "p=1; Secure; Partitioned; SameSite=None",
                                 Embedded(other_))
                  .IsInclude());
  EXPECT_EQ(chromium.GetCookieHeader(U("https://site.test/"), Embedded(other_)), "p=1");
}

TEST_F(BrowserPoliciesTest, SameSiteIsSchemeful) {
  jar_->SetCookie("http://site.test/", "l=1; SameSite=Lax");
  const Url secure_page = U("https://site.test/");
  EXPECT_EQ(Get("http://site.test/img", Embedded(secure_page)), "");
}

TEST_F(BrowserPoliciesTest, LegacyModeTurnsTheDefaultsOff) {
  CookieJarOptions options;
  options.rules.same_site = SameSitePolicy::Legacy();
  MakeJar(options);
  EXPECT_TRUE(jar_->SetCookie("https://site.test/", "n=1; SameSite=None").IsInclude());
  jar_->SetCookie("https://site.test/", "u=1");
  EXPECT_EQ(Get("https://site.test/", Embedded(other_)), "n=1; u=1");
  jar_->SetCookie("http://plain.test/", "l=1; SameSite=Lax");
  const Url secure_page = U("https://plain.test/");
  EXPECT_EQ(Get("http://plain.test/", Embedded(secure_page)), "l=1");  // Schemeless.
}

// --- SameSite when setting ---

TEST_F(BrowserPoliciesTest, SameSiteNoneRequiresSecure) {
  EXPECT_TRUE(jar_->SetCookie("https://site.test/", "n=1; SameSite=None")
                  .HasOnly(Reason::kSameSiteNoneInsecure));
}

TEST_F(BrowserPoliciesTest, CrossSiteSubresourceCannotSetLaxStrictOrDefaultCookies) {
  const Url img = U("https://site.test/pixel");
  const CookieOptions embedded = Embedded(other_);
  EXPECT_TRUE(jar_->SetCookie(img, "s=1; SameSite=Strict", embedded)
                  .HasOnly(Reason::kSameSiteStrict));
  EXPECT_TRUE(jar_->SetCookie(img, "l=1; SameSite=Lax", embedded).HasOnly(Reason::kSameSiteLax));
  EXPECT_TRUE(jar_->SetCookie(img, "u=1", embedded)
                  .HasOnly(Reason::kSameSiteUnspecifiedTreatedAsLax));
  EXPECT_TRUE(jar_->SetCookie(img, "n=1; SameSite=None; Secure", embedded).IsInclude());
  EXPECT_EQ(jar_->size(), 1u);
}

TEST_F(BrowserPoliciesTest, CrossSiteTopLevelNavigationMaySetStrictCookies) {
  EXPECT_TRUE(jar_->SetCookie(site_, "s=1; SameSite=Strict", NavigationFrom(other_, "POST"))
                  .IsInclude());
}

TEST_F(BrowserPoliciesTest, ScriptInACrossSiteFrameCannotSetLaxCookies) {
  CookieOptions frame_script = Embedded(other_);
  frame_script.api = CookieApi::kScript;
  EXPECT_TRUE(jar_->SetCookie(site_, "l=1; SameSite=Lax", frame_script)
                  .HasOnly(Reason::kSameSiteLax));
}

// --- Partitioned cookies ---

TEST_F(BrowserPoliciesTest, PartitionedRequiresSecure) {
  EXPECT_TRUE(jar_->SetCookie("https://widget.test/", "p=1; Partitioned")
                  .HasOnly(Reason::kInvalidPartitioned));
}

TEST_F(BrowserPoliciesTest, PartitionedCookieIsSentOnlyInItsPartition) {
  const Url news = U("https://news.test/");
  const Url shop = U("https://shop.test/");
  const Url widget = U("https://widget.test/embed");
  ASSERT_TRUE(jar_->SetCookie(widget, "p=news; Secure; SameSite=None; Partitioned",
                              Embedded(news))
                  .IsInclude());
  EXPECT_EQ(jar_->GetCookieHeader(widget, Embedded(news)), "p=news");
  EXPECT_EQ(jar_->GetCookieHeader(widget, Embedded(shop)), "");
  EXPECT_EQ(jar_->GetCookieHeader(widget), "");  // First-party: its own partition.
  auto explained = jar_->Explain(widget, Embedded(shop));
  ASSERT_EQ(explained.size(), 1u);
  EXPECT_TRUE(explained[0].status.HasOnly(Reason::kPartitionMismatch));
  EXPECT_EQ(explained[0].cookie.partition_key->top_level_site, "https://news.test");
  EXPECT_TRUE(explained[0].cookie.partition_key->cross_site_ancestor);
}

TEST_F(BrowserPoliciesTest, SameNameInTwoPartitionsAreTwoCookies) {
  const Url news = U("https://news.test/");
  const Url shop = U("https://shop.test/");
  const Url widget = U("https://widget.test/");
  jar_->SetCookie(widget, "p=news; Secure; SameSite=None; Partitioned", Embedded(news));
  jar_->SetCookie(widget, "p=shop; Secure; SameSite=None; Partitioned", Embedded(shop));
  jar_->SetCookie(widget, "p=first; Secure; Partitioned");
  EXPECT_EQ(jar_->size(), 3u);
  EXPECT_EQ(jar_->GetCookieHeader(widget, Embedded(shop)), "p=shop");
  EXPECT_EQ(jar_->GetCookieHeader(widget), "p=first");
}

TEST_F(BrowserPoliciesTest, PartitionedAndUnpartitionedCookiesMergeInHeaderOrder) {
  const Url widget = U("https://widget.test/a/b");
  jar_->SetCookie(widget, "short=1; Secure; Path=/; Partitioned");
  jar_->SetCookie(widget, "plain=1; Secure; Path=/");
  jar_->SetCookie(widget, "deep=1; Secure; Path=/a; Partitioned");
  EXPECT_EQ(jar_->GetCookieHeader(widget), "deep=1; short=1; plain=1");
}

// --- The frame chain (CookieOptions::frame_ancestors) ---

// Recorded in both browsers (embedded family, "iframe(T)>iframe(A)>img(A)"):
// a request back to the top-level site from under a cross-site frame is
// cross-site, so Strict and Lax cookies stay home.
TEST_F(BrowserPoliciesTest, CrossSiteFrameMakesARequestToTheTopSiteCrossSite) {
  jar_->SetCookie(site_, "st=1; SameSite=Strict; Secure");
  jar_->SetCookie(site_, "no=1; SameSite=None; Secure");
  const Url top = U("https://site.test/top");
  const std::vector<Url> frames = {U("https://other.test/frame")};
  CookieOptions options = Embedded(top);
  EXPECT_EQ(jar_->GetCookieHeader(site_, options), "st=1; no=1");
  options.frame_ancestors = &frames;
  EXPECT_EQ(jar_->GetCookieHeader(site_, options), "no=1");
  // A same-site frame changes nothing.
  const std::vector<Url> same_site_frames = {U("https://sub.site.test/frame")};
  options.frame_ancestors = &same_site_frames;
  EXPECT_EQ(jar_->GetCookieHeader(site_, options), "st=1; no=1");
}

TEST_F(BrowserPoliciesTest, CrossSiteFrameMakesARequestToTheTopSiteThirdParty) {
  CookieJarOptions chromium;  // Third-party cookies blocked, as Chromium ships.
  chromium.clock = &clock_;
  jar_ = std::make_unique<CookieJar>(chromium);
  jar_->SetCookie(site_, "no=1; SameSite=None; Secure");
  const Url top = U("https://site.test/top");
  const std::vector<Url> frames = {U("https://other.test/frame")};
  CookieOptions options = Embedded(top);
  options.frame_ancestors = &frames;
  EXPECT_EQ(jar_->GetCookieHeader(site_, options), "");
  EXPECT_TRUE(jar_->SetCookie(site_, "x=1; SameSite=None; Secure", options)
                  .HasOnly(Reason::kUserPreferences));
}

// Recorded (CHIPS cases): Chromium puts a cookie set by a B frame under A in
// partition (A, cross-site ancestor); Firefox gives that bit only to a
// request same-site to A under a cross-site frame (A -> B -> A).
TEST_F(BrowserPoliciesTest, PartitionAncestorBitPerBrowser) {
  const Url a = U("https://a.test/top");
  const Url b = U("https://b.test/frame");
  const Url a_frame = U("https://a.test/frame");
  const std::vector<Url> under_b = {b};
  CookieOptions b_under_a = Embedded(a);
  CookieOptions a_under_b_under_a = Embedded(a);
  a_under_b_under_a.frame_ancestors = &under_b;
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  using Ancestors = CookiePartitionKey::Ancestors;
  EXPECT_TRUE(CookiePartitionKey::ForRequest(b, b_under_a, psl).cross_site_ancestor);
  EXPECT_TRUE(
      CookiePartitionKey::ForRequest(a_frame, a_under_b_under_a, psl).cross_site_ancestor);
  EXPECT_FALSE(CookiePartitionKey::ForRequest(b, b_under_a, psl, Ancestors::kFramesOnly, false)
                   .cross_site_ancestor);
  EXPECT_TRUE(CookiePartitionKey::ForRequest(a_frame, a_under_b_under_a, psl,
                                             Ancestors::kFramesOnly, false)
                  .cross_site_ancestor);
  EXPECT_FALSE(CookiePartitionKey::ForRequest(b, a_under_b_under_a, psl, Ancestors::kFramesOnly,
                                              false)
                   .cross_site_ancestor);
}

// --- Firefox: Total Cookie Protection, the redirect chain ---

TEST_F(BrowserPoliciesTest, FirefoxPartitionsEveryThirdPartyCookie) {
  CookieJarOptions firefox;
  firefox.clock = &clock_;
  firefox.rules = BrowserRules::Firefox();
  jar_ = std::make_unique<CookieJar>(firefox);
  const Url widget = U("https://widget.test/embed");
  const Url news = U("https://news.test/");
  const Url shop = U("https://shop.test/");
  jar_->SetCookie(widget, "first=1");
  // No Partitioned attribute, no Secure: partitioned all the same.
  ASSERT_TRUE(jar_->SetCookie(widget, "third=1", Embedded(news)).IsInclude());
  EXPECT_EQ(jar_->GetCookieHeader(widget, Embedded(news)), "third=1");
  EXPECT_EQ(jar_->GetCookieHeader(widget, Embedded(shop)), "");
  EXPECT_EQ(jar_->GetCookieHeader(widget), "first=1");
  // A Partitioned attribute still needs Secure.
  EXPECT_TRUE(jar_->SetCookie(widget, "p=1; Partitioned", Embedded(news))
                  .HasOnly(Reason::kInvalidPartitioned));
  // A site exception lets the widget use its own cookies.
  CookieAccessPolicy policy = BrowserRules::Firefox().access_policy;
  policy.site_exceptions["widget.test"] = SiteException::kAllow;
  jar_->SetAccessPolicy(policy);
  EXPECT_EQ(jar_->GetCookieHeader(widget, Embedded(news)), "first=1; third=1");
}

TEST_F(BrowserPoliciesTest, RedirectChainCountsForSendingOnlyWhereTheProfileSaysSo) {
  for (const bool firefox : {false, true}) {
    CookieJarOptions options;
    options.clock = &clock_;
    options.rules = firefox ? BrowserRules::Firefox() : BrowserRules::Chromium();
    jar_ = std::make_unique<CookieJar>(options);
    jar_->SetCookie(site_, "st=1; SameSite=Strict; Secure");
    const std::vector<Url> chain = {U("https://site.test/start"), U("https://other.test/hop")};
    CookieOptions last_hop;
    last_hop.top_level_navigation = true;
    last_hop.redirect_chain = &chain;
    // Chromium 156 sends Strict cookies on the last hop of A -> B -> A,
    // Firefox does not (recorded, redirects family) ...
    EXPECT_EQ(jar_->GetCookieHeader(site_, last_hop), firefox ? "" : "st=1") << firefox;
    // ... and both let that hop set them.
    EXPECT_TRUE(jar_->SetCookie(site_, "st2=1; SameSite=Strict; Secure", last_hop).IsInclude())
        << firefox;
  }
}

// --- Third-party policy ---

TEST_F(BrowserPoliciesTest, BlockThirdPartyRefusesCookiesInThirdPartyRequests) {
  jar_->SetCookie(site_, "first=1; SameSite=None; Secure");
  CookieAccessPolicy policy;
  policy.accept = CookieAcceptPolicy::kBlockThirdParty;
  jar_->SetAccessPolicy(policy);
  EXPECT_TRUE(jar_->SetCookie(site_, "third=1; SameSite=None; Secure", Embedded(other_))
                  .HasOnly(Reason::kUserPreferences));
  EXPECT_EQ(jar_->GetCookieHeader(site_, Embedded(other_)), "");
  EXPECT_EQ(jar_->GetCookieHeader(site_), "first=1");
  EXPECT_EQ(jar_->GetCookieHeader(site_, NavigationFrom(other_)), "first=1");
}

TEST_F(BrowserPoliciesTest, BlockThirdPartyStillAllowsPartitionedCookies) {
  CookieAccessPolicy policy;
  policy.accept = CookieAcceptPolicy::kBlockThirdParty;
  jar_->SetAccessPolicy(policy);
  EXPECT_TRUE(
      jar_->SetCookie(site_, "p=1; SameSite=None; Secure; Partitioned", Embedded(other_))
          .IsInclude());
  EXPECT_EQ(jar_->GetCookieHeader(site_, Embedded(other_)), "p=1");
}

TEST_F(BrowserPoliciesTest, BlockAllRefusesEverything) {
  jar_->SetCookie(site_, "old=1");
  CookieAccessPolicy policy;
  policy.accept = CookieAcceptPolicy::kBlockAll;
  jar_->SetAccessPolicy(policy);
  EXPECT_TRUE(jar_->SetCookie(site_, "new=1").HasOnly(Reason::kUserPreferences));
  EXPECT_EQ(jar_->GetCookieHeader(site_), "");
}

TEST_F(BrowserPoliciesTest, SiteExceptionsOverrideThePolicy) {
  CookieAccessPolicy policy;
  policy.accept = CookieAcceptPolicy::kBlockAll;
  policy.site_exceptions["site.test"] = SiteException::kAllow;
  jar_->SetAccessPolicy(policy);
  EXPECT_TRUE(jar_->SetCookie("https://www.site.test/", "a=1").IsInclude());
  EXPECT_FALSE(jar_->SetCookie("https://other.test/", "a=1").IsInclude());

  CookieAccessPolicy allow_but;
  allow_but.site_exceptions["tracker.test"] = SiteException::kBlock;
  jar_->SetAccessPolicy(allow_but);
  EXPECT_TRUE(jar_->SetCookie("https://tracker.test/", "t=1").HasOnly(Reason::kUserPreferences));
  EXPECT_TRUE(jar_->SetCookie("https://other.test/", "a=1").IsInclude());
}

// --- Change notifications ---

struct Seen {
  std::string name;
  CookieChangeCause cause;
  bool operator==(const Seen& other) const {
    return name == other.name && cause == other.cause;
  }
};

void PrintTo(const Seen& seen, std::ostream* os) {
  *os << seen.name << ":" << ChangeCauseName(seen.cause);
}

TEST_F(BrowserPoliciesTest, ChangeListenerSeesEveryChangeWithItsCause) {
  std::vector<Seen> seen;
  uint64_t last_sequence = 0;
  bool increasing = true;
  jar_->AddChangeListener([&](const CookieChange& change) {
    seen.push_back({change.cookie.name + "=" + change.cookie.value, change.cause});
    increasing &= change.sequence > last_sequence;
    last_sequence = change.sequence;
  });
  jar_->SetCookie(site_, "a=1");
  jar_->SetCookie(site_, "a=2");
  jar_->SetCookie(site_, "a=; Max-Age=0");
  jar_->SetCookie(site_, "s=1");
  jar_->SetCookie(site_, "p=1; Max-Age=10");
  jar_->SetCookie(site_, "d=1; Max-Age=100");
  jar_->DeleteCookie(jar_->GetAllCookies().back());
  jar_->EndSession();
  clock_.Advance(absl::Seconds(10));
  jar_->SetCookie(site_, "b=1");  // Purges the expired p=1 from the site.
  EXPECT_THAT(seen, ElementsAre(Seen{"a=1", CookieChangeCause::kInserted},
                                Seen{"a=1", CookieChangeCause::kOverwrite},
                                Seen{"a=2", CookieChangeCause::kInserted},
                                Seen{"a=2", CookieChangeCause::kExpiredOverwrite},
                                Seen{"s=1", CookieChangeCause::kInserted},
                                Seen{"p=1", CookieChangeCause::kInserted},
                                Seen{"d=1", CookieChangeCause::kInserted},
                                Seen{"d=1", CookieChangeCause::kExplicit},
                                Seen{"s=1", CookieChangeCause::kSessionEnded},
                                Seen{"p=1", CookieChangeCause::kExpired},
                                Seen{"b=1", CookieChangeCause::kInserted}));
  EXPECT_TRUE(increasing);
}

TEST_F(BrowserPoliciesTest, ChangeListenerSeesEvictions) {
  CookieJarOptions options;
  options.rules = BrowserRules::Rfc6265Minimum();
  MakeJar(options);
  std::vector<Seen> evicted;
  jar_->AddChangeListener([&](const CookieChange& change) {
    if (change.cause != CookieChangeCause::kInserted) {
      evicted.push_back({change.cookie.name, change.cause});
    }
  });
  for (int i = 0; i < 21; ++i) {
    clock_.Advance(absl::Seconds(1));
    jar_->SetCookie(site_, "c" + std::to_string(i) + "=1");
  }
  EXPECT_THAT(evicted, ElementsAre(Seen{"c0", CookieChangeCause::kEvictedSite}));
}

TEST_F(BrowserPoliciesTest, ChangeListenerMayCallBackIntoTheJar) {
  std::vector<size_t> sizes;
  jar_->AddChangeListener([&](const CookieChange&) { sizes.push_back(jar_->size()); });
  jar_->SetCookie(site_, "a=1");
  EXPECT_THAT(sizes, ElementsAre(1u));
}

TEST_F(BrowserPoliciesTest, RemovedListenerIsNotCalled) {
  int calls = 0;
  uint64_t id = jar_->AddChangeListener([&](const CookieChange&) { ++calls; });
  jar_->SetCookie(site_, "a=1");
  jar_->RemoveChangeListener(id);
  jar_->SetCookie(site_, "b=1");
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace cookiejar
