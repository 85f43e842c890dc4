// Locates files under tests/data/ from inside a Bazel test.

#ifndef COOKIEJAR_TESTS_TEST_DATA_H_
#define COOKIEJAR_TESTS_TEST_DATA_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace cookiejar {
namespace testing {

inline std::string TestDataPath(const std::string& relative) {
  const char* runfiles = std::getenv("TEST_SRCDIR");
  return std::string(runfiles ? runfiles : ".") + "/cookiejar/tests/data/" + relative;
}

// The whole file, or an empty string when it cannot be read (tests then fail
// on their own expectations of non-empty data).
inline std::string ReadTestData(const std::string& relative) {
  std::ifstream file(TestDataPath(relative), std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace testing
}  // namespace cookiejar

#endif  // COOKIEJAR_TESTS_TEST_DATA_H_
