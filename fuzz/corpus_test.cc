// Runs every fuzz target over its seed corpus and past crash inputs
// (fuzz/corpus/<target>, fuzz/regressions/<target>), so a regression fails
// the normal test suite, not only a fuzzing run.

#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace {

TEST(FuzzCorpusTest, EveryTargetRunsItsCorpusWithoutCrashing) {
  const std::string root = std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/fuzz/";
  for (const char* target : {"set_cookie_fuzzer", "cookie_date_fuzzer", "host_fuzzer",
                             "public_suffix_fuzzer", "jar_fuzzer", "cookies_txt_fuzzer",
                             "sqlite_store_fuzzer", "har_replay_fuzzer", "browser_store_fuzzer",
                             "storage_state_fuzzer", "url_parser_fuzzer",
                             "sealed_record_fuzzer"}) {
    std::string command = root + target;
    for (const char* kind : {"corpus/", "regressions/"}) {
      const std::string dir = root + kind + target;
      if (std::filesystem::is_directory(dir)) command += " " + dir;
    }
    command += " > /dev/null";
    EXPECT_EQ(std::system(command.c_str()), 0) << target;
  }
}

}  // namespace
