// End to end: a real Django 3.2 site (tests/django_site, Debian's
// python3-django) driven through the libcurl adapter, asserting what a
// browser would see in the classic cookie and session tutorial flows.
// Expiry is tested by moving the jar's clock, not by sleeping: the server
// never looks at expiry, the client does.

#include <unistd.h>

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cookiejar/curl/curl_cookie_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "cookiejar/jar_registry.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace {

using ::testing::HasSubstr;

class DjangoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    const std::string script =
        std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/tests/django_site/run_site.py";
    server_ = new testing::BackgroundProcess({python, script, std::getenv("TEST_TMPDIR")});
    std::string port;
    if (server_->ReadLine(&port) && !port.empty()) port_ = port;
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_FALSE(port_.empty()) << "Django did not start (python3-django: tools/setup.sh)";
    clock_ = std::make_unique<FakeClock>(absl::Now());
    CookieJarOptions options;
    options.clock = clock_.get();
    registry_ = std::make_unique<JarRegistry>(options);
    resolve_ = curl_slist_append(nullptr, ("www.django.test:" + port_ + ":127.0.0.1").c_str());
  }

  std::string Url(const std::string& path) { return "http://www.django.test:" + port_ + path; }

  std::unique_ptr<CurlCookieClient> Client(const std::string& profile) {
    auto client = std::make_unique<CurlCookieClient>(registry_->Profile(profile).get());
    curl_easy_setopt(client->easy(), CURLOPT_RESOLVE, resolve_);
    curl_easy_setopt(client->easy(), CURLOPT_TIMEOUT, 20L);
    return client;
  }

  void TearDown() override { curl_slist_free_all(resolve_); }

  HttpResponse Get(CurlCookieClient& client, const std::string& path) {
    absl::StatusOr<HttpResponse> response = client.Fetch(HttpRequest(Url(path)));
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(HttpResponse());
  }

  static std::string CsrfToken(const std::string& form) {
    const std::string marker = "name=\"csrfmiddlewaretoken\" value=\"";
    size_t start = form.find(marker);
    if (start == std::string::npos) return "";
    start += marker.size();
    return form.substr(start, form.find('"', start) - start);
  }

  HttpResponse Login(CurlCookieClient& client, const std::string& path, const std::string& user,
                     const std::string& pwd, bool with_token = true) {
    const std::string form = Get(client, path).body;
    HttpRequest post(Url(path));
    post.method = "POST";
    post.headers = {"Content-Type: application/x-www-form-urlencoded"};
    post.body = absl::StrCat("user=", user, "&pwd=", pwd);
    if (with_token) absl::StrAppend(&post.body, "&csrfmiddlewaretoken=", CsrfToken(form));
    post.context.initiator = Url(path);  // The form's page.
    absl::StatusOr<HttpResponse> response = client.Fetch(post);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(HttpResponse());
  }

  std::set<std::string> CookieNames(const std::string& profile) {
    std::set<std::string> names;
    for (const CanonicalCookie& c : registry_->Profile(profile)->GetAllCookies()) {
      names.insert(c.name);
    }
    return names;
  }

  static testing::BackgroundProcess* server_;
  static std::string port_;
  std::unique_ptr<FakeClock> clock_;
  std::unique_ptr<JarRegistry> registry_;
  curl_slist* resolve_ = nullptr;
};

testing::BackgroundProcess* DjangoTest::server_ = nullptr;
std::string DjangoTest::port_;

TEST_F(DjangoTest, LoginThroughTheCsrfCheckSetsTheCookiesAndRedirects) {
  auto client = Client("chrome");
  HttpResponse response = Login(*client, "/login/", "zaizai", "123");
  ASSERT_EQ(response.hops.size(), 2u);
  EXPECT_EQ(response.hops[0].status, 302);
  EXPECT_EQ(response.hops[0].set_cookies.size(), 3u);
  for (const CookieInclusionStatus& status : response.hops[0].set_cookie_results) {
    EXPECT_TRUE(status.IsInclude()) << status.ToString();
  }
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr("welcome zaizai"));
  EXPECT_EQ(CookieNames("chrome"),
            (std::set<std::string>{"csrftoken", "is_login", "username", "login_time"}));
  // login_time has a space: Django quotes it, and it comes back as sent.
  for (const CanonicalCookie& c : registry_->Profile("chrome")->GetAllCookies()) {
    if (c.name == "login_time") {
      EXPECT_EQ(c.value.front(), '"');
      EXPECT_FALSE(c.IsPersistent());
    }
  }
}

TEST_F(DjangoTest, WrongPasswordShowsTheFormAgain) {
  auto client = Client("chrome");
  HttpResponse response = Login(*client, "/login/", "zaizai", "wrong");
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr("wrong user or password"));
  EXPECT_EQ(CookieNames("chrome").count("is_login"), 0u);
}

TEST_F(DjangoTest, PostWithoutTheCsrfTokenIsForbidden) {
  auto client = Client("chrome");
  EXPECT_EQ(Login(*client, "/login/", "zaizai", "123", /*with_token=*/false).status, 403);
}

TEST_F(DjangoTest, IndexWorksAtFourSecondsAndRedirectsAfterFive) {
  auto client = Client("chrome");
  Login(*client, "/login/", "zaizai", "123");
  clock_->Advance(absl::Seconds(4));
  HttpResponse at4 = Get(*client, "/index/");
  EXPECT_EQ(at4.hops.size(), 1u);
  EXPECT_THAT(at4.body, HasSubstr("welcome zaizai"));
  clock_->Advance(absl::Seconds(2));
  HttpResponse at6 = Get(*client, "/index/");
  EXPECT_EQ(at6.hops[0].status, 302);
  EXPECT_THAT(at6.url, HasSubstr("/login/"));
  EXPECT_EQ(at6.hops[0].cookie_header.find("is_login"), std::string::npos);
}

TEST_F(DjangoTest, LogoutDeletesTheLoginCookies) {
  auto client = Client("chrome");
  Login(*client, "/login/", "zaizai", "123");
  HttpResponse response = Get(*client, "/logout/");
  // Django's delete_cookie: name=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0
  EXPECT_THAT(response.hops[0].set_cookies[0], HasSubstr("Max-Age=0"));
  EXPECT_EQ(CookieNames("chrome"), std::set<std::string>{"csrftoken"});
  EXPECT_THAT(Get(*client, "/index/").url, HasSubstr("/login/"));
}

TEST_F(DjangoTest, SessionSurvivesRequestsAndASecondLoginReplacesSessionid) {
  auto client = Client("chrome");
  HttpResponse first = Login(*client, "/login2/", "zaizai", "123");
  EXPECT_THAT(first.body, HasSubstr("welcome2 zaizai"));
  std::string first_session;
  for (const CanonicalCookie& c : registry_->Profile("chrome")->GetAllCookies()) {
    if (c.name != "sessionid") continue;
    first_session = c.value;
    EXPECT_TRUE(c.http_only);
    EXPECT_EQ(c.same_site, CookieSameSite::kLax);
  }
  ASSERT_FALSE(first_session.empty());
  for (int i = 0; i < 3; ++i) EXPECT_THAT(Get(*client, "/index2/").body, HasSubstr("welcome2 zaizai"));

  Login(*client, "/login2/", "xiaoming", "456");
  int sessions = 0;
  for (const CanonicalCookie& c : registry_->Profile("chrome")->GetAllCookies()) {
    if (c.name != "sessionid") continue;
    ++sessions;
    EXPECT_NE(c.value, first_session);
  }
  EXPECT_EQ(sessions, 1);
  EXPECT_THAT(Get(*client, "/index2/").body, HasSubstr("welcome2 xiaoming"));

  Get(*client, "/logout2/");
  EXPECT_THAT(Get(*client, "/index2/").url, HasSubstr("/login2/"));
}

TEST_F(DjangoTest, TwoProfilesNeverSeeEachOthersCookies) {
  auto chrome = Client("chrome");
  auto firefox = Client("firefox");
  Login(*chrome, "/login2/", "zaizai", "123");
  Login(*firefox, "/login2/", "xiaoming", "456");
  EXPECT_THAT(Get(*chrome, "/index2/").body, HasSubstr("welcome2 zaizai"));
  EXPECT_THAT(Get(*firefox, "/index2/").body, HasSubstr("welcome2 xiaoming"));
  std::set<std::string> chrome_values, firefox_values;
  for (const CanonicalCookie& c : registry_->Profile("chrome")->GetAllCookies()) {
    chrome_values.insert(c.value);
  }
  for (const CanonicalCookie& c : registry_->Profile("firefox")->GetAllCookies()) {
    EXPECT_EQ(chrome_values.count(c.value), 0u) << c.name;
  }
  // A third, ephemeral jar knows nobody.
  std::shared_ptr<CookieJar> ephemeral = registry_->CreateEphemeral();
  CurlCookieClient incognito(ephemeral.get());
  curl_easy_setopt(incognito.easy(), CURLOPT_RESOLVE, resolve_);
  EXPECT_THAT(incognito.Fetch(HttpRequest(Url("/index2/")))->url, HasSubstr("/login2/"));
}

TEST_F(DjangoTest, LastVisitTimeIsShownOnTheNextVisit) {
  auto client = Client("chrome");
  EXPECT_THAT(Get(*client, "/last-visit/").body, HasSubstr("last visit: never"));
  const std::string stored = registry_->Profile("chrome")->GetAllCookies()[0].value;
  EXPECT_THAT(Get(*client, "/last-visit/").body, HasSubstr("last visit: " + stored));
}

TEST_F(DjangoTest, RecentlyViewedProducts) {
  auto client = Client("chrome");
  Get(*client, "/product/1/");
  Get(*client, "/product/7/");
  EXPECT_THAT(Get(*client, "/product/3/").body, HasSubstr("recently viewed: 3,7,1"));
  EXPECT_THAT(Get(*client, "/product/7/").body, HasSubstr("recently viewed: 7,3,1"));
}

TEST_F(DjangoTest, SignedCookieReadsBackAndRejectsTampering) {
  auto client = Client("chrome");
  Get(*client, "/signed/set/");
  EXPECT_THAT(Get(*client, "/signed/get/").body, HasSubstr("token: secret-value"));
  registry_->Profile("chrome")->SetCookie(Url("/"), "token=secret-value:forged; Path=/");
  EXPECT_THAT(Get(*client, "/signed/get/").body, HasSubstr("token: None"));
}

}  // namespace
}  // namespace cookiejar
