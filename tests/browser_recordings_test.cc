// Replays every recording of a real browser (tests/data/browsers/) through
// the profile named after that browser and fails on any request whose
// Cookie header differs from the browser's, unless docs/compliance.md lists
// that case with its reason ("Differences from the recordings"). A listed
// case that no longer differs fails too, so the list stays true.
//
// The agreement of each profile with each browser is printed as the table
// docs/compliance.md shows.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "cookiejar/browser_rules.h"
#include "tests/browser_replay.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace testing {
namespace {

constexpr const char* kFamilies[] = {"parse", "dates", "embedded", "redirects", "limits"};

std::string ReadCompliance() {
  const char* runfiles = std::getenv("TEST_SRCDIR");
  std::ifstream file(std::string(runfiles ? runfiles : ".") + "/cookiejar/docs/compliance.md");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// (browser, case id) -> reason, from the table rows
// "| browser | id, id... | reason |" under the heading
// "## Differences from the recordings".
std::map<std::pair<std::string, std::string>, std::string> ListedDifferences(
    const std::string& compliance, std::vector<std::string>* problems) {
  std::map<std::pair<std::string, std::string>, std::string> listed;
  bool in_section = false;
  for (absl::string_view line : absl::StrSplit(compliance, '\n')) {
    if (absl::StartsWith(line, "## ")) {
      in_section = line == "## Differences from the recordings";
      continue;
    }
    if (!in_section || !absl::StartsWith(line, "|")) continue;
    std::vector<std::string> cells;
    for (absl::string_view cell : absl::StrSplit(line, '|')) {
      cells.push_back(std::string(absl::StripAsciiWhitespace(cell)));
    }
    // "", browser, ids, reason, "".
    if (cells.size() < 5 || (cells[1] != "chromium" && cells[1] != "firefox")) continue;
    if (cells[3].empty()) problems->push_back("no reason given: " + std::string(line));
    for (absl::string_view id : absl::StrSplit(cells[2], absl::ByAnyChar(", `"), absl::SkipEmpty())) {
      listed[{cells[1], std::string(id)}] = cells[3];
    }
  }
  return listed;
}

std::string Visible(const std::string& text) {
  return text.empty() ? "(none)" : absl::CHexEscape(text);
}

TEST(BrowserRecordingsTest, EveryProfileGivesItsBrowsersHeadersOrTheDifferenceIsListed) {
  const std::string compliance = ReadCompliance();
  ASSERT_FALSE(compliance.empty()) << "docs/compliance.md is not in the runfiles";
  std::vector<std::string> problems;
  const auto listed = ListedDifferences(compliance, &problems);
  for (const std::string& problem : problems) ADD_FAILURE() << problem;

  std::set<std::pair<std::string, std::string>> differing;
  std::printf("| profile | family | cases identical | requests identical | navigations identical | other requests identical |\n");
  std::printf("|---|---|---:|---:|---:|---:|\n");
  for (const char* browser : {"chromium", "firefox"}) {
    const BrowserRules profile = *BrowserRules::Named(browser);
    size_t all_steps = 0, all_identical = 0;
    for (const char* family : kFamilies) {
      const FamilyReplay replay = ReplayFamily(browser, family, profile);
      ASSERT_TRUE(replay.error.empty()) << replay.error;
      ASSERT_GT(replay.cases, 0u) << browser << " " << family;
      all_steps += replay.steps;
      all_identical += replay.identical_steps;
      const size_t other = replay.steps - replay.navigation_steps;
      const size_t other_identical = replay.identical_steps - replay.identical_navigation_steps;
      auto percent = [](size_t part, size_t whole) {
        return whole == 0 ? std::string("-")
                          : absl::StrFormat("%.2f%% (%d/%d)", 100.0 * part / whole, part, whole);
      };
      std::printf("| %s | %s | %s | %s | %s | %s |\n", browser, family,
                  percent(replay.identical_cases, replay.cases).c_str(),
                  percent(replay.identical_steps, replay.steps).c_str(),
                  percent(replay.identical_navigation_steps, replay.navigation_steps).c_str(),
                  percent(other_identical, other).c_str());
      for (const ReplayedStep& step : replay.differences) {
        differing.insert({browser, step.case_id});
        if (listed.count({browser, step.case_id}) != 0) continue;
        ADD_FAILURE() << browser << " " << step.case_id << " step " << step.step << " ("
                      << step.kind << " " << step.url << "): browser sent "
                      << Visible(step.browser) << ", the " << browser << " profile "
                      << Visible(step.jar) << "\n  case: " << step.note;
      }
    }
    std::printf("| %s | all | | %.2f%% (%zu/%zu) | | |\n", browser,
                100.0 * all_identical / all_steps, all_identical, all_steps);
  }
  for (const auto& entry : listed) {
    if (differing.count(entry.first) == 0) {
      ADD_FAILURE() << "docs/compliance.md lists " << entry.first.first << " "
                    << entry.first.second
                    << " as a difference, but the profile now gives the browser's headers";
    }
  }
}

}  // namespace
}  // namespace testing
}  // namespace cookiejar
