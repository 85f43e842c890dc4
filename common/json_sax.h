// Reading JSON from outside in one streaming pass (nlohmann::json's SAX
// parser), so that what a document costs is decided by its reader's limits,
// not by its size: a reader keeps only what it needs, skips the rest without
// building it, and stops at the first limit it meets, in the middle of the
// text if need be. Parsing a whole document into a tree first costs about
// forty bytes of memory per byte of "[[],[],...]" before a single limit can
// be checked.
//
// A reader derives from JsonSaxReader, implements the On* events and calls
// Parse(text). Nesting deeper than the reader's limit stops the parse; so does
// Stop(status) from an event. Values inside a container whose content the
// reader skipped (SkipContent) are not reported to it.
//
// depth(): the number of containers open around the event; in OnStart the
// new container is counted (the root container has depth 1), in OnEnd the
// container that closes is.

#ifndef COOKIEJAR_COMMON_JSON_SAX_H_
#define COOKIEJAR_COMMON_JSON_SAX_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cookiejar {

class JsonSaxReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  using json = nlohmann::json;

  // Parses `text` once. Errors (InvalidArgument): not JSON (with the byte
  // where it stops being JSON), nested deeper than the limit, or what an
  // event passed to Stop.
  absl::Status Parse(std::string_view text) {
    const bool parsed = json::sax_parse(text.begin(), text.end(), this,
                                        json::input_format_t::json, /*strict=*/true);
    if (!status_.ok()) return status_;
    if (!parsed) return absl::InvalidArgumentError("not valid JSON text");
    return absl::OkStatus();
  }

  // nlohmann's events, turned into the reader's.
  bool null() final { return Value(json(nullptr)); }
  bool boolean(bool value) final { return Value(json(value)); }
  bool number_integer(number_integer_t value) final { return Value(json(value)); }
  bool number_unsigned(number_unsigned_t value) final { return Value(json(value)); }
  bool number_float(number_float_t value, const string_t&) final { return Value(json(value)); }
  bool string(string_t& value) final { return Value(json(std::move(value))); }
  bool binary(binary_t&) final { return Value(json()); }  // Not in JSON text.
  bool start_object(std::size_t) final { return Start(true); }
  bool start_array(std::size_t) final { return Start(false); }
  bool end_object() final { return End(); }
  bool end_array() final { return End(); }
  bool key(string_t& key) final { return Skipping(depth_) ? true : OnKey(key); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) final {
    return Stop(absl::InvalidArgumentError(
        absl::StrCat("not valid JSON text (at byte ", position, ")")));
  }

 protected:
  explicit JsonSaxReader(int max_depth) : max_depth_(max_depth) {}

  // A container opens (OnStart), a key of the object at depth() is read, a
  // scalar is read in the container at depth() (0: the root value), a
  // container closes. Returning false stops the parse (after Stop).
  virtual bool OnStart(bool object) = 0;
  virtual bool OnKey(std::string& key) = 0;
  virtual bool OnValue(json value) = 0;
  virtual bool OnEnd() = 0;

  // In OnStart: the content of the container that opens is not reported
  // (nor built, nor kept); its OnEnd is.
  void SkipContent() { skip_from_ = depth_; }
  bool Stop(absl::Status why) {
    if (status_.ok()) status_ = std::move(why);
    return false;
  }
  int depth() const { return depth_; }

 private:
  // Whether an event in the container at `depth` falls in skipped content.
  bool Skipping(int depth) const { return skip_from_ > 0 && depth >= skip_from_; }

  bool Start(bool object) {
    if (++depth_ > max_depth_) {
      return Stop(absl::InvalidArgumentError(
          absl::StrCat("the JSON text nests deeper than ", max_depth_, " levels")));
    }
    return Skipping(depth_ - 1) ? true : OnStart(object);
  }
  bool End() {
    bool go_on = true;
    if (skip_from_ == depth_) skip_from_ = 0;
    if (!Skipping(depth_)) go_on = OnEnd();
    --depth_;
    return go_on;
  }
  bool Value(json value) { return Skipping(depth_) ? true : OnValue(std::move(value)); }

  const int max_depth_;
  int depth_ = 0;
  int skip_from_ = 0;  // The depth of the container being skipped; 0: none.
  absl::Status status_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COMMON_JSON_SAX_H_
