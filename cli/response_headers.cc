#include "cli/response_headers.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

namespace cookiejar {
namespace {

// Splits off the next line (without its LF or CRLF); false at the end.
bool NextLine(std::string_view* text, std::string_view* line, bool* ended) {
  if (text->empty()) return false;
  const size_t lf = text->find('\n');
  *ended = lf != std::string_view::npos;
  *line = text->substr(0, *ended ? lf : text->size());
  text->remove_prefix(*ended ? lf + 1 : text->size());
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  return true;
}

bool IsStatusLine(std::string_view line) { return absl::StartsWith(AbslView(line), "HTTP/"); }

absl::Status LineError(size_t number, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("standard input, line ", number, ": ", AbslView(why)));
}

absl::Status TooLong(size_t response) {
  return absl::ResourceExhaustedError(
      absl::StrCat("the headers of response ", response, " go on past the limit of what is read"));
}

}  // namespace

absl::StatusOr<std::vector<RawResponse>> ParseResponseHeaders(std::string_view text,
                                                              bool truncated) {
  std::vector<RawResponse> responses;
  size_t number = 0;  // Lines consumed.
  std::string_view line;
  bool ended = false;
  // Empty lines before the first block (curl writes none; a dump put
  // together by hand may have them).
  for (std::string_view rest = text; NextLine(&rest, &line, &ended) && line.empty() && ended;) {
    text = rest;
    ++number;
  }
  while (!text.empty()) {
    std::string_view rest_of_text = text;
    const size_t first_line = number + 1;
    NextLine(&rest_of_text, &line, &ended);
    if (!IsStatusLine(line)) {
      if (responses.empty()) {
        return LineError(first_line,
                         "not an HTTP status line (ingest reads response headers as "
                         "`curl -D -` writes them: \"HTTP/1.1 200 OK\", header lines, an "
                         "empty line)");
      }
      break;  // A body follows the last block (curl -i).
    }
    if (!ended && truncated) return TooLong(responses.size() + 1);
    // "HTTP/1.1 200 OK", "HTTP/2 302": the version, a space, three digits.
    const size_t space = line.find(' ');
    const std::string_view code =
        space == std::string_view::npos ? std::string_view() : line.substr(space + 1, 3);
    RawResponse response;
    if (code.size() != 3 || !absl::ascii_isdigit(code[0]) || !absl::ascii_isdigit(code[1]) ||
        !absl::ascii_isdigit(code[2]) ||
        (line.size() > space + 4 && line[space + 4] != ' ') ||
        !absl::SimpleAtoi(AbslView(code), &response.status) || response.status < 100) {
      return LineError(first_line, "a status line without a three-digit status code");
    }
    text = rest_of_text;
    ++number;
    std::string* last_value = nullptr;  // For a folded (obs-fold) continuation line.
    bool block_ended = false;
    while (NextLine(&text, &line, &ended)) {
      ++number;
      if (!ended && truncated) break;
      if (line.empty()) {
        block_ended = true;
        break;
      }
      if (line.find('\0') != std::string_view::npos) {
        return LineError(number, "a NUL byte in a header line");
      }
      if (line[0] == ' ' || line[0] == '\t') {
        if (last_value == nullptr) return LineError(number, "a continuation line without a header");
        absl::StrAppend(last_value, " ", absl::StripAsciiWhitespace(AbslView(line)));
        continue;
      }
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        return LineError(number, "a header line without a name and a colon");
      }
      const auto name = AbslView(line.substr(0, colon));
      const std::string value(absl::StripAsciiWhitespace(AbslView(line.substr(colon + 1))));
      last_value = nullptr;
      if (absl::EqualsIgnoreCase(name, "set-cookie")) {
        response.set_cookies.push_back(value);
        last_value = &response.set_cookies.back();
      } else if (absl::EqualsIgnoreCase(name, "date")) {
        response.date = value;
        last_value = &response.date;
      } else if (absl::EqualsIgnoreCase(name, "location")) {
        response.location = value;
        last_value = &response.location;
      }
    }
    // Cut by the reader's limit, not ended by the writer.
    if (!block_ended && truncated) return TooLong(responses.size() + 1);
    responses.push_back(std::move(response));
  }
  if (responses.empty()) {
    return absl::InvalidArgumentError(
        "standard input holds no response headers (as `curl -D -` writes them)");
  }
  return responses;
}

}  // namespace cookiejar
