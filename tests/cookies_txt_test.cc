#include "cookiejar/cookies_txt.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cookiejar {
namespace {

using ::testing::HasSubstr;

class CookiesTxtTest : public ::testing::Test {
 protected:
  CookiesTxtTest() : clock_(absl::FromUnixSeconds(1700000000)) {
    CookieJarOptions options;
    options.clock = &clock_;
    jar_ = std::make_unique<CookieJar>(options);
    dir_ = std::string(std::getenv("TEST_TMPDIR"));
  }

  std::string Read(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  FakeClock clock_;
  std::unique_ptr<CookieJar> jar_;
  std::string dir_;
};

TEST_F(CookiesTxtTest, ImportsCurlsFormat) {
  CookiesTxtReport report = ImportCookiesTxtText(
      "# Netscape HTTP Cookie File\n"
      "# https://curl.se/docs/http-cookies.html\n"
      "\n"
      ".example.com\tTRUE\t/\tFALSE\t1710000000\tid\t42\n"
      "#HttpOnly_www.example.com\tFALSE\t/cart\tTRUE\t0\tcart\t7,9\n",
      jar_.get());
  EXPECT_EQ(report.imported, 2u);
  EXPECT_TRUE(report.errors.empty());
  std::vector<CanonicalCookie> cookies = jar_->GetAllCookies();
  ASSERT_EQ(cookies.size(), 2u);
  const CanonicalCookie& id = cookies[0].name == "id" ? cookies[0] : cookies[1];
  const CanonicalCookie& cart = cookies[0].name == "id" ? cookies[1] : cookies[0];
  EXPECT_FALSE(id.host_only);
  EXPECT_EQ(id.domain, "example.com");
  EXPECT_EQ(id.expiry, absl::FromUnixSeconds(1710000000));
  EXPECT_FALSE(id.secure);
  EXPECT_TRUE(cart.host_only);
  EXPECT_TRUE(cart.http_only);
  EXPECT_TRUE(cart.secure);
  EXPECT_FALSE(cart.IsPersistent());
  EXPECT_EQ(cart.path, "/cart");
  EXPECT_EQ(*jar_->GetCookieHeader("https://www.example.com/cart"), "cart=7,9; id=42");
}

TEST_F(CookiesTxtTest, SixFieldsMeanAnEmptyValue) {
  CookiesTxtReport report = ImportCookiesTxtText("a.test\tFALSE\t/\tFALSE\t0\tempty\n", jar_.get());
  EXPECT_EQ(report.imported, 1u);
  EXPECT_EQ(*jar_->GetCookieHeader("http://a.test/"), "empty=");
}

TEST_F(CookiesTxtTest, MalformedLinesAreReportedWithTheirNumberAndSkipped) {
  CookiesTxtReport report = ImportCookiesTxtText(
      "a.test\tFALSE\t/\tFALSE\t0\tgood\t1\n"
      "a.test\tFALSE\t/\n"
      "a.test\tMAYBE\t/\tFALSE\t0\tbad\t2\n"
      "a.test\tFALSE\t/\tFALSE\tsoon\tbad\t3\n"
      ".com\tTRUE\t/\tFALSE\t0\tsuffix\t4\n"
      "a.test\tFALSE\t/\tFALSE\t1000\told\t5\n"
      "a..test\tFALSE\t/\tFALSE\t0\tbad\t6\n"
      "a.test\tFALSE\t/\tFALSE\t0\talso_good\t7\r\n",
      jar_.get());
  EXPECT_EQ(report.imported, 2u);
  ASSERT_EQ(report.errors.size(), 6u);
  EXPECT_THAT(report.errors[0], HasSubstr("line 2: expected 7 TAB-separated fields, found 3"));
  EXPECT_THAT(report.errors[1], HasSubstr("line 3: include-subdomains"));
  EXPECT_THAT(report.errors[2], HasSubstr("line 4: expiry"));
  EXPECT_THAT(report.errors[3], HasSubstr("line 5: domain_is_public_suffix"));
  EXPECT_THAT(report.errors[4], HasSubstr("line 6: expired"));
  EXPECT_THAT(report.errors[5], HasSubstr("line 7: invalid_domain"));
  EXPECT_EQ(*jar_->GetCookieHeader("http://a.test/"), "good=1; also_good=7");
}

TEST_F(CookiesTxtTest, DomainsAreCanonicalized) {
  ImportCookiesTxtText("WWW.Bücher.DE\tFALSE\t/\tFALSE\t0\ta\tb\n", jar_.get());
  EXPECT_EQ(jar_->GetAllCookies()[0].domain, "www.xn--bcher-kva.de");
}

TEST_F(CookiesTxtTest, UnreadableFileIsAnError) {
  absl::StatusOr<CookiesTxtReport> report = ImportCookiesTxt(dir_ + "/missing.txt", jar_.get());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("missing.txt"));
}

TEST_F(CookiesTxtTest, ExportFormat) {
  jar_->SetCookie("https://www.example.com/", "id=42; Domain=example.com; Max-Age=3600");
  jar_->SetCookie("https://www.example.com/cart/x", "cart=7; Secure; HttpOnly");
  jar_->SetCookie("https://www.example.com/", "p=1; Secure; Partitioned");
  const std::string text = FormatCookiesTxt(jar_->GetAllCookies());
  EXPECT_THAT(text, HasSubstr("# Netscape HTTP Cookie File\n"));
  EXPECT_THAT(text, HasSubstr(".example.com\tTRUE\t/\tFALSE\t1700003600\tid\t42\n"));
  EXPECT_THAT(text, HasSubstr("#HttpOnly_www.example.com\tFALSE\t/cart\tTRUE\t0\tcart\t7\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("\tp\t1")));  // Partitioned: not representable.
}

TEST_F(CookiesTxtTest, RoundTripKeepsEveryCookie) {
  jar_->SetCookie("https://www.example.com/", "id=42; Domain=example.com; Max-Age=3600");
  jar_->SetCookie("https://www.example.com/cart/x", "cart=7; Secure; HttpOnly");
  jar_->SetCookie("http://10.0.0.1/", "ip=1; Max-Age=60");
  const std::string path = dir_ + "/round.txt";
  ASSERT_TRUE(ExportCookiesTxt(*jar_, path).ok());
  CookieJarOptions options;
  options.clock = &clock_;
  CookieJar other(options);
  absl::StatusOr<CookiesTxtReport> report = ImportCookiesTxt(path, &other);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->imported, 3u);
  EXPECT_TRUE(report->errors.empty());
  EXPECT_EQ(FormatCookiesTxt(other.GetAllCookies()), FormatCookiesTxt(jar_->GetAllCookies()));
  EXPECT_EQ(*other.GetCookieHeader("https://www.example.com/cart"), "cart=7; id=42");
}

TEST_F(CookiesTxtTest, ExportReplacesTheFileAtomically) {
  const std::string path = dir_ + "/atomic.txt";
  std::ofstream(path) << "old.test\tFALSE\t/\tFALSE\t0\told\t1\n";
  jar_->SetCookie("http://a.test/", "a=1");
  ASSERT_TRUE(ExportCookiesTxt(*jar_, path).ok());
  EXPECT_THAT(Read(path), HasSubstr("a.test\tFALSE\t/\tFALSE\t0\ta\t1"));
  // No temporary file is left behind, and the file is private.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    entries += entry.path().filename().string().rfind("atomic.txt", 0) == 0;
  }
  EXPECT_EQ(entries, 1);
  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(CookiesTxtTest, ExportToAnUnwritableDirectoryIsAnError) {
  jar_->SetCookie("http://a.test/", "a=1");
  absl::Status status = ExportCookiesTxt(*jar_, "/nonexistent-dir/cookies.txt");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), HasSubstr("/nonexistent-dir/cookies.txt"));
}

TEST_F(CookiesTxtTest, ExportNeverReplacesAFileThatIsNotACookiesTxt) {
  const std::string path = dir_ + "/notes.txt";
  std::ofstream(path) << "buy milk\ncall Bob\n";
  jar_->SetCookie("http://a.test/", "a=1");
  absl::Status status = ExportCookiesTxt(*jar_, path);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Read(path), "buy milk\ncall Bob\n");
}

TEST_F(CookiesTxtTest, WhatIsACookiesTxt) {
  EXPECT_TRUE(LooksLikeCookiesTxt(""));
  EXPECT_TRUE(LooksLikeCookiesTxt("\n\n"));
  EXPECT_TRUE(LooksLikeCookiesTxt("# Netscape HTTP Cookie File\nanything\n"));
  EXPECT_TRUE(LooksLikeCookiesTxt("a.test\tFALSE\t/\tFALSE\t0\ta\t1\n"));
  // A hand-written file with a typo is still one.
  EXPECT_TRUE(LooksLikeCookiesTxt("a.test\tFALSE\t/\tFALSE\t0\ta\t1\na.test\tFALSE\t/\n"));
  EXPECT_FALSE(LooksLikeCookiesTxt("buy milk\n"));
  EXPECT_FALSE(LooksLikeCookiesTxt("# my notes\nbuy milk\n"));
  EXPECT_FALSE(LooksLikeCookiesTxt("x\ty\tz\n1\t2\t3\n"));
  constexpr char kWithNul[] = "a.test\tFALSE\t/\tFALSE\t0\ta\t1\n\0";
  EXPECT_FALSE(LooksLikeCookiesTxt(std::string(kWithNul, sizeof(kWithNul) - 1)));
}

TEST_F(CookiesTxtTest, WhatTheFormatCannotHoldIsNamed) {
  CanonicalCookie c;
  c.name = "a";
  c.value = "x\ty";
  c.same_site = CookieSameSite::kStrict;
  c.priority = CookiePriority::kHigh;
  EXPECT_EQ(CookiesTxtCannotHold(c), "SameSite=Strict, Priority=High, a tab in the value");
  c.value = "x";
  c.same_site = CookieSameSite::kUnspecified;
  c.priority = CookiePriority::kMedium;
  EXPECT_EQ(CookiesTxtCannotHold(c), "");
  c.partition_key = CookiePartitionKey{"https://top.test", false};
  EXPECT_EQ(CookiesTxtCannotHold(c), "Partitioned");
}

class CookiesTxtFileTest : public CookiesTxtTest {
 protected:
  absl::StatusOr<std::unique_ptr<CookiesTxtFile>> OpenFile(const std::string& path,
                                                           bool read_only = false) {
    CookiesTxtFile::Options options;
    options.read_only = read_only;
    options.lock_timeout = absl::Seconds(30);
    return CookiesTxtFile::Open(path, options);
  }
};

// A rewrite keeps what it could not load: bad lines, cookies this profile
// refuses, and comments; it drops only expired cookies.
TEST_F(CookiesTxtFileTest, ARewriteKeepsEveryLineItDidNotLoad) {
  const std::string path = dir_ + "/keep.txt";
  std::ofstream(path) << "# Netscape HTTP Cookie File\n"
                         "# my comment\n"
                         "a.test\tFALSE\t/\tFALSE\t0\tgood\t1\n"
                         "a.test\tFALSE\t/\n"
                         ".com\tTRUE\t/\tFALSE\t0\tsuffix\t4\n"
                         "a.test\tFALSE\t/\tFALSE\t1000\told\t5\n";
  auto file = OpenFile(path);
  ASSERT_TRUE(file.ok()) << file.status();
  CookiesTxtReport report = (*file)->Load(jar_.get());
  EXPECT_EQ(report.imported, 1u);
  EXPECT_EQ(report.expired, 1u);
  jar_->SetCookie("http://a.test/", "new=2");
  ASSERT_TRUE((*file)->Save(*jar_).ok());
  file->reset();
  const std::string text = Read(path);
  EXPECT_THAT(text, HasSubstr("\tgood\t1\n"));
  EXPECT_THAT(text, HasSubstr("\tnew\t2\n"));
  EXPECT_THAT(text, HasSubstr("# my comment\n"));
  EXPECT_THAT(text, HasSubstr("a.test\tFALSE\t/\n"));
  EXPECT_THAT(text, HasSubstr(".com\tTRUE\t/\tFALSE\t0\tsuffix\t4\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("\told\t5")));
}

TEST_F(CookiesTxtFileTest, AFileThatIsNotACookiesTxtIsLeftAlone) {
  const std::string path = dir_ + "/notes.txt";
  std::ofstream(path) << "buy milk\n";
  for (bool read_only : {false, true}) {
    auto file = OpenFile(path, read_only);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(file.status().message()), HasSubstr("not a cookies.txt"));
  }
  EXPECT_EQ(Read(path), "buy milk\n");
  EXPECT_EQ(OpenFile(dir_).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(CookiesTxtFileTest, ALinkIsNotWrittenThrough) {
  const std::string target = dir_ + "/target.txt", link = dir_ + "/link.txt";
  std::ofstream(target) << "a.test\tFALSE\t/\tFALSE\t0\ta\t1\n";
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  auto file = OpenFile(link);
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(std::string(file.status().message()), HasSubstr("symbolic link"));
  // Reading through it is fine.
  auto reader = OpenFile(link, /*read_only=*/true);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->Load(jar_.get()).imported, 1u);
}

TEST_F(CookiesTxtFileTest, AWriterThatSavesNothingLeavesNoFile) {
  const std::string path = dir_ + "/new.txt";
  ASSERT_TRUE(OpenFile(path).ok());
  struct stat st;
  EXPECT_NE(stat(path.c_str(), &st), 0);
  auto reader = OpenFile(path, /*read_only=*/true);  // A missing file: an empty jar.
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->Load(jar_.get()).imported, 0u);
  EXPECT_NE(stat(path.c_str(), &st), 0);
}

TEST_F(CookiesTxtFileTest, WhatTheFormatCannotHoldIsRefusedNotLost) {
  const std::string path = dir_ + "/strict.txt";
  std::ofstream(path) << "a.test\tFALSE\t/\tFALSE\t0\ta\t1\n";
  auto file = OpenFile(path);
  ASSERT_TRUE(file.ok());
  (*file)->Load(jar_.get());
  jar_->SetCookie("https://a.test/", "s=1; SameSite=Strict");
  absl::Status saved = (*file)->Save(*jar_);
  EXPECT_EQ(saved.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(saved.message()), HasSubstr("SameSite=Strict of cookie \"s\""));
  file->reset();
  EXPECT_EQ(Read(path), "a.test\tFALSE\t/\tFALSE\t0\ta\t1\n");
}

// Writers in parallel (each with its own open file, as separate processes
// would have) never lose one another's cookies.
TEST_F(CookiesTxtFileTest, ParallelWritersLoseNothing) {
  const std::string path = dir_ + "/shared.txt";
  std::vector<std::thread> writers;
  std::atomic<int> saved{0};
  for (int w = 0; w < 12; ++w) {
    writers.emplace_back([&, w] {
      CookieJarOptions options;
      options.clock = &clock_;
      CookieJar jar(options);
      auto file = OpenFile(path);
      if (!file.ok()) return;
      (*file)->Load(&jar);
      jar.SetCookie("http://a.test/", absl::StrCat("k", w, "=v"));
      if ((*file)->Save(jar).ok()) ++saved;
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(saved.load(), 12);
  auto reader = OpenFile(path, /*read_only=*/true);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->Load(jar_.get()).imported, 12u);
}

}  // namespace
}  // namespace cookiejar
