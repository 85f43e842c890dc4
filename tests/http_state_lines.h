// The Set-Cookie lines of the http-state corpus (tests/data/http_state/),
// for tests that run every line through a parser.

#ifndef COOKIEJAR_TESTS_HTTP_STATE_LINES_H_
#define COOKIEJAR_TESTS_HTTP_STATE_LINES_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "tests/test_data.h"

namespace cookiejar {
namespace testing {

// Every "received" line of the corpus and of its RFC 6265bis deltas.
inline std::vector<std::string> HttpStateSetCookieLines() {
  std::vector<std::string> lines;
  for (const char* file : {"http_state/parser.json", "http_state/parser-6265bis-deltas.json"}) {
    const nlohmann::json cases = nlohmann::json::parse(ReadTestData(file));
    for (const auto& c : cases) {
      if (!c.contains("received")) continue;
      for (const auto& line : c["received"]) lines.push_back(line.get<std::string>());
    }
  }
  return lines;
}

}  // namespace testing
}  // namespace cookiejar

#endif  // COOKIEJAR_TESTS_HTTP_STATE_LINES_H_
