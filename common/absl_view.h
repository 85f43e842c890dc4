// Debian builds Abseil with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW
// is 0), a type distinct from std::string_view with no conversion between the
// two. The library's API uses std::string_view; these helpers cross over where
// Abseil's string functions and hash containers are called.

#ifndef COOKIEJAR_COMMON_ABSL_VIEW_H_
#define COOKIEJAR_COMMON_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace cookiejar {

inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view StdView(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace cookiejar

#endif  // COOKIEJAR_COMMON_ABSL_VIEW_H_
