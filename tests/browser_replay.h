// Replays the recordings of real browsers (tests/data/browsers/, made by
// tools/browsers/) through a jar of the matching profile, request by
// request, and compares the Cookie header each request carried with the one
// the jar gives.
//
// A case starts with an empty jar whose clock follows the browser's. For
// each step: the jar's header for the step's URL and context is compared
// with the recorded one, then the response's Set-Cookie lines are stored.
// The HTTP layer's part is played here, as the browser's HTTP parser did: a
// response with a NUL byte in a Set-Cookie field fails as a whole (both
// browsers reject it), an LF ends a header line, and so does a bare CR in
// Chromium.

#ifndef COOKIEJAR_TESTS_BROWSER_REPLAY_H_
#define COOKIEJAR_TESTS_BROWSER_REPLAY_H_

#include <map>
#include <string>
#include <vector>

#include "cookiejar/browser_rules.h"

namespace cookiejar {
namespace testing {

struct ReplayedStep {
  std::string case_id;
  std::string note;
  size_t step = 0;
  std::string kind;
  std::string url;
  std::string browser;  // The recorded Cookie header ("" for none).
  std::string jar;      // What the jar sent.
};

struct FamilyReplay {
  std::string browser;  // "chromium", "firefox"
  std::string family;   // "parse", "dates", "embedded", "redirects", "limits"
  size_t cases = 0;
  size_t identical_cases = 0;  // Every step identical.
  size_t steps = 0;
  size_t identical_steps = 0;
  // Split by kind: top-level navigations, and everything else.
  size_t navigation_steps = 0;
  size_t identical_navigation_steps = 0;
  std::vector<ReplayedStep> differences;
  std::string error;  // The file could not be read.
};

// Replays tests/data/browsers/<browser>/<family>.json (TEST_SRCDIR-relative)
// with `profile`.
FamilyReplay ReplayFamily(const std::string& browser, const std::string& family,
                          const BrowserRules& profile);

}  // namespace testing
}  // namespace cookiejar

#endif  // COOKIEJAR_TESTS_BROWSER_REPLAY_H_
