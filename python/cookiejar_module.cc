// The Python extension module `cookiejar._cookiejar`: the engine's C++ API
// (cookie_jar.h, http_cookies.h, cookies_txt.h, sqlite/sqlite_cookie_store.h) as
// Python objects. The pure-Python package (python/cookiejar/) re-exports it
// and adds the http.cookiejar, requests and httpx adapters.
//
// Every call into the engine runs with the GIL released, so threads sharing
// one jar run in parallel (the jar is thread-safe). Python objects are only
// touched with the GIL held: arguments are converted before the release and
// results built after it.
//
// Errors become the exception classes of cookiejar/_errors.py: a refused
// cookie raises CookieRejected carrying the engine's reason names
// ("secure_only", "invalid_prefix"...), a URL that does not parse InvalidUrl,
// and a failed file or database operation StoreError with the absl status
// code's name ("unavailable", "failed_precondition"...).
//
// Strings: names, values and headers are bytes to the engine. Python str
// arguments are encoded as UTF-8 with surrogateescape and results decoded the
// same way, so bytes that are not UTF-8 survive a round trip; bytes arguments
// are taken as they are.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/micros.h"
#include "cookiejar/browser_rules.h"
#include "cookiejar/clock.h"
#include "cookiejar/cookie_constants.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"
#include "cookiejar/cookie_request.h"
#include "cookiejar/http_cookies.h"
#include "cookiejar/same_site.h"
#include "cookiejar/url.h"
#ifdef COOKIEJAR_PYTHON_WITH_SQLITE
#include "cookiejar/sqlite/sqlite_cookie_store.h"
#endif
#ifdef COOKIEJAR_PYTHON_WITH_FORMATS
#include "cookiejar/formats/browser_databases.h"
#include "cookiejar/formats/storage_state.h"
#endif

namespace py = pybind11;

namespace cookiejar {
namespace python {
namespace {

// --- Errors -------------------------------------------------------------------

// Thrown with the GIL held or released; turned into the Python classes of
// cookiejar._errors by the translator registered in the module (with the GIL).
struct RejectedError : std::exception {
  std::string url;
  std::vector<std::string> reasons;
  const char* what() const noexcept override { return "cookie rejected"; }
};

struct InvalidUrlError : std::exception {
  std::string message;
  const char* what() const noexcept override { return message.c_str(); }
};

struct StatusError : std::exception {
  absl::Status status;
  const char* what() const noexcept override { return "store error"; }
};

[[noreturn]] void ThrowStatus(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    InvalidUrlError error;
    error.message = std::string(status.message());
    throw error;
  }
  StatusError error;
  error.status = status;
  throw error;
}

std::vector<std::string> ReasonNames(const CookieInclusionStatus& status) {
  std::vector<std::string> names;
  for (int i = 0; i < static_cast<int>(CookieExclusionReason::kNumReasons); ++i) {
    const auto reason = static_cast<CookieExclusionReason>(i);
    if (status.Has(reason)) names.emplace_back(ExclusionReasonName(reason));
  }
  return names;
}

// Python spells the library's names (status codes, SameSite, Priority) in
// lowercase.
std::string Lowercase(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string StatusCodeName(absl::StatusCode code) {
  return Lowercase(absl::StatusCodeToString(code));
}

void TranslateErrors(std::exception_ptr error) {
  static const py::object* errors =
      new py::object(py::module_::import("cookiejar._errors"));
  try {
    std::rethrow_exception(error);
  } catch (const RejectedError& e) {
    py::object cls = errors->attr("CookieRejected");
    py::object instance = cls(py::str(e.url), py::tuple(py::cast(e.reasons)));
    PyErr_SetObject(cls.ptr(), instance.ptr());
  } catch (const InvalidUrlError& e) {
    py::object cls = errors->attr("InvalidUrl");
    PyErr_SetObject(cls.ptr(), cls(py::str(e.message)).ptr());
  } catch (const StatusError& e) {
    py::object cls = errors->attr("StoreError");
    py::object instance = cls(py::str(std::string(e.status.message())),
                              py::str(StatusCodeName(e.status.code())));
    PyErr_SetObject(cls.ptr(), instance.ptr());
  }
}

// --- Strings ------------------------------------------------------------------

// The bytes of a str (UTF-8, surrogateescape) or bytes argument.
std::string Bytes(py::handle value, const char* what) {
  if (PyBytes_Check(value.ptr())) {
    return std::string(PyBytes_AS_STRING(value.ptr()), PyBytes_GET_SIZE(value.ptr()));
  }
  if (PyUnicode_Check(value.ptr())) {
    py::object encoded = py::reinterpret_steal<py::object>(
        PyUnicode_AsEncodedString(value.ptr(), "utf-8", "surrogateescape"));
    if (!encoded) throw py::error_already_set();
    return std::string(PyBytes_AS_STRING(encoded.ptr()), PyBytes_GET_SIZE(encoded.ptr()));
  }
  throw py::type_error(std::string(what) + " must be str or bytes, not " +
                       std::string(py::str(py::type::handle_of(value).attr("__name__"))));
}

std::optional<std::string> OptionalBytes(py::handle value, const char* what) {
  if (value.is_none()) return std::nullopt;
  return Bytes(value, what);
}

py::str Text(const std::string& bytes) {
  PyObject* text = PyUnicode_DecodeUTF8(bytes.data(), static_cast<Py_ssize_t>(bytes.size()),
                                        "surrogateescape");
  if (text == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(text);
}

// --- Time ---------------------------------------------------------------------

double Seconds(absl::Time t) { return static_cast<double>(absl::ToUnixMicros(t)) / 1e6; }

// Seconds from Python (a float or an int, as time.time() and
// http.cookiejar.Cookie give them) as microseconds, saturated to the finite
// range: expires=1e17, an int of 10**30 or inf is the far future (the jar caps
// it as a browser would), never a wrapped past instant. NaN is refused.
int64_t SecondsToMicros(double seconds, const char* what) {
  std::optional<int64_t> us = micros::SecondsToMicros(seconds);
  if (!us) throw py::value_error(std::string(what) + " is not a number (NaN)");
  return *us;
}

int64_t SecondsToMicros(py::handle seconds, const char* what) {
  if (py::isinstance<py::int_>(seconds) && !py::isinstance<py::bool_>(seconds)) {
    int overflow = 0;
    const long long value = PyLong_AsLongLongAndOverflow(seconds.ptr(), &overflow);
    if (value == -1 && PyErr_Occurred()) throw py::error_already_set();
    if (overflow != 0) return overflow > 0 ? micros::kLatestUs : micros::kEarliestUs;
    return micros::SecondsToMicros(static_cast<int64_t>(value));
  }
  const double value = PyFloat_AsDouble(seconds.ptr());
  if (value == -1.0 && PyErr_Occurred()) throw py::error_already_set();
  return SecondsToMicros(value, what);
}

absl::Time FromSeconds(double seconds, const char* what) {
  return micros::FromMicros(SecondsToMicros(seconds, what));
}

absl::Time FromSeconds(py::handle seconds, const char* what) {
  return micros::FromMicros(SecondsToMicros(seconds, what));
}

// A duration from Python seconds (a timeout, an interval): saturated, never
// negative.
absl::Duration DurationFromSeconds(double seconds, const char* what) {
  return absl::Microseconds(std::max<int64_t>(0, SecondsToMicros(seconds, what)));
}

// --- The request context ------------------------------------------------------

// The request described by the context keywords of set_cookie,
// cookie_header, explain... (RequestContext, the method, the API), converted
// while the GIL is held.
CookieRequest MakeRequest(py::handle url, bool top_level_navigation, py::handle initiator,
                          py::handle top_level_url, py::handle method,
                          py::handle redirect_chain, py::handle frame_ancestors, bool script) {
  CookieRequest request(Bytes(url, "url"));
  request.method = Bytes(method, "method");
  request.api = script ? CookieApi::kScript : CookieApi::kHttp;
  request.context.top_level_navigation = top_level_navigation;
  if (std::optional<std::string> text = OptionalBytes(initiator, "initiator")) {
    request.context.initiator = *std::move(text);
  }
  if (std::optional<std::string> text = OptionalBytes(top_level_url, "top_level_url")) {
    request.context.top_level_url = *std::move(text);
  }
  if (!redirect_chain.is_none()) {
    for (py::handle hop : redirect_chain) {
      request.redirect_chain.push_back(Bytes(hop, "redirect_chain item"));
    }
  }
  if (!frame_ancestors.is_none()) {
    for (py::handle frame : frame_ancestors) {
      request.context.frame_ancestors.push_back(Bytes(frame, "frame_ancestors item"));
    }
  }
  return request;
}

// --- Cookies as Python objects ------------------------------------------------

std::string SameSiteText(CookieSameSite same_site) { return Lowercase(SameSiteName(same_site)); }

CookieSameSite SameSiteFromText(const std::string& text) {
  if (text == "none") return CookieSameSite::kNoRestriction;
  if (text == "lax") return CookieSameSite::kLax;
  if (text == "strict") return CookieSameSite::kStrict;
  if (text == "unspecified") return CookieSameSite::kUnspecified;
  throw py::value_error("same_site must be 'unspecified', 'none', 'lax' or 'strict', not '" +
                        text + "'");
}

std::string PriorityText(CookiePriority priority) { return Lowercase(PriorityName(priority)); }

CookiePriority PriorityFromText(const std::string& text) {
  if (text == "low") return CookiePriority::kLow;
  if (text == "medium") return CookiePriority::kMedium;
  if (text == "high") return CookiePriority::kHigh;
  throw py::value_error("priority must be 'low', 'medium' or 'high', not '" + text + "'");
}

// The Python class the cookies are made of (cookiejar._types.Cookie, a
// frozen dataclass) and its fields, in order.
constexpr const char* kCookieFields[] = {
    "name",     "value",    "domain",      "path",          "host_only",
    "secure",   "http_only", "same_site",  "priority",      "expires",
    "creation", "last_access", "source_secure", "partition_site", "partition_cross_site"};
constexpr size_t kNumCookieFields = sizeof(kCookieFields) / sizeof(kCookieFields[0]);

struct CookieType {
  py::object cls;
  py::object fields[kNumCookieFields];  // Interned names.
};

const CookieType& GetCookieType() {
  static const CookieType* type = [] {
    auto* t = new CookieType;
    t->cls = py::module_::import("cookiejar._types").attr("Cookie");
    py::tuple declared = py::module_::import("dataclasses").attr("fields")(t->cls);
    if (declared.size() != kNumCookieFields) {
      throw std::runtime_error("cookiejar._types.Cookie does not have the fields the module knows");
    }
    for (size_t i = 0; i < kNumCookieFields; ++i) {
      if (declared[i].attr("name").cast<std::string>() != kCookieFields[i]) {
        throw std::runtime_error("cookiejar._types.Cookie: unexpected field order");
      }
      t->fields[i] = py::reinterpret_steal<py::object>(PyUnicode_InternFromString(kCookieFields[i]));
    }
    return t;
  }();
  return *type;
}

// A Cookie built without its __init__: a frozen dataclass's __init__ sets
// each field through object.__setattr__ from Python, which made listing a
// large jar several times slower. The values are the ones __init__ would
// store (the class has no __post_init__ and no defaults that compute).
py::object ToPython(const CanonicalCookie& c) {
  const CookieType& type = GetCookieType();
  py::object expires = c.IsPersistent() ? py::object(py::float_(Seconds(c.expiry))) : py::none();
  py::object partition_site = py::none();
  bool cross_site = false;
  if (c.partition_key) {
    partition_site = py::str(c.partition_key->top_level_site);
    cross_site = c.partition_key->cross_site_ancestor;
  }
  const py::object values[kNumCookieFields] = {
      Text(c.name), Text(c.value), Text(c.domain), Text(c.path), py::bool_(c.host_only),
      py::bool_(c.secure), py::bool_(c.http_only), py::str(SameSiteText(c.same_site)),
      py::str(PriorityText(c.priority)), expires, py::float_(Seconds(c.creation)),
      py::float_(Seconds(c.last_access)),
      py::bool_(c.source_scheme == CookieSourceScheme::kSecure), partition_site,
      py::bool_(cross_site)};
  auto* cls = reinterpret_cast<PyTypeObject*>(type.cls.ptr());
  py::object cookie = py::reinterpret_steal<py::object>(cls->tp_alloc(cls, 0));
  if (!cookie) throw py::error_already_set();
  for (size_t i = 0; i < kNumCookieFields; ++i) {
    if (PyObject_GenericSetAttr(cookie.ptr(), type.fields[i].ptr(), values[i].ptr()) != 0) {
      throw py::error_already_set();
    }
  }
  return cookie;
}

py::list ToPython(const std::vector<CanonicalCookie>& cookies) {
  py::list list(cookies.size());
  for (size_t i = 0; i < cookies.size(); ++i) list[i] = ToPython(cookies[i]);
  return list;
}

CanonicalCookie FromPython(py::handle cookie) {
  CanonicalCookie c;
  c.name = Bytes(cookie.attr("name"), "name");
  c.value = Bytes(cookie.attr("value"), "value");
  c.domain = Bytes(cookie.attr("domain"), "domain");
  c.path = Bytes(cookie.attr("path"), "path");
  c.host_only = cookie.attr("host_only").cast<bool>();
  c.secure = cookie.attr("secure").cast<bool>();
  c.http_only = cookie.attr("http_only").cast<bool>();
  c.same_site = SameSiteFromText(cookie.attr("same_site").cast<std::string>());
  c.priority = PriorityFromText(cookie.attr("priority").cast<std::string>());
  py::object expires = cookie.attr("expires");
  c.expiry = expires.is_none() ? absl::InfiniteFuture() : FromSeconds(expires, "expires");
  c.creation = FromSeconds(cookie.attr("creation"), "creation");
  c.last_access = FromSeconds(cookie.attr("last_access"), "last_access");
  c.source_scheme = cookie.attr("source_secure").cast<bool>() ? CookieSourceScheme::kSecure
                                                               : CookieSourceScheme::kNonSecure;
  py::object partition_site = cookie.attr("partition_site");
  if (!partition_site.is_none()) {
    c.partition_key = CookiePartitionKey{partition_site.cast<std::string>(),
                                         cookie.attr("partition_cross_site").cast<bool>()};
  }
  return c;
}

py::dict ReportToPython(const CookiesTxtReport& report) {
  py::dict result;
  result["imported"] = report.imported;
  result["expired"] = report.expired;
  result["errors"] = py::cast(report.errors);
  return result;
}

// --- Jar ----------------------------------------------------------------------

// A CookieJar with the clock it reads (kept alive with it).
class Jar {
 public:
  Jar(const std::string& rules, std::shared_ptr<FakeClock> clock) : clock_(std::move(clock)) {
    std::optional<BrowserRules> named = BrowserRules::Named(rules);
    if (!named) {
      throw py::value_error("unknown rules '" + rules +
                            "' (chromium, firefox, rfc6265-minimum, unlimited)");
    }
    CookieJarOptions options;
    options.rules = *std::move(named);
    options.clock = clock_.get();
    jar_ = std::make_unique<CookieJar>(std::move(options));
  }

  CookieJar& jar() { return *jar_; }
  const std::shared_ptr<FakeClock>& clock() const { return clock_; }

  // use(resolved) for `request` resolved by the jar's rules, with the GIL
  // released; InvalidUrl when a URL does not parse.
  template <typename Use>
  auto WithRequest(const CookieRequest& request, Use use) {
    py::gil_scoped_release release;
    absl::StatusOr<ResolvedRequest> resolved = jar_->Resolve(request);
    if (!resolved.ok()) ThrowStatus(resolved.status());
    return use(*resolved);
  }

 private:
  std::shared_ptr<FakeClock> clock_;  // Null: the system clock.
  std::unique_ptr<CookieJar> jar_;
};

#define COOKIEJAR_CONTEXT_ARGS                                                        \
  py::kw_only(), py::arg("top_level_navigation") = true, py::arg("initiator") = py::none(), \
      py::arg("top_level_url") = py::none(), py::arg("method") = "GET",               \
      py::arg("redirect_chain") = py::none(), py::arg("frame_ancestors") = py::none(), \
      py::arg("script") = false

// The parameters of COOKIEJAR_CONTEXT_ARGS, and the request they describe.
#define COOKIEJAR_CONTEXT_PARAMS                                                         \
  bool top_level_navigation, py::handle initiator, py::handle top_level_url,             \
      py::handle method, py::handle redirect_chain, py::handle frame_ancestors, bool script
#define COOKIEJAR_CONTEXT_REQUEST(url)                                                    \
  MakeRequest(url, top_level_navigation, initiator, top_level_url, method, redirect_chain, \
              frame_ancestors, script)

void BindJar(py::module_& m) {
  py::class_<FakeClock, std::shared_ptr<FakeClock>>(
      m, "FakeClock",
      "A clock that moves only when told to, for tests: Jar(clock=FakeClock(...)).\n"
      "Times are seconds since 1970-01-01T00:00:00Z.")
      .def(py::init([](double start) {
             return std::make_shared<FakeClock>(FromSeconds(start, "start"));
           }),
           py::arg("start"))
      .def("now", [](const FakeClock& clock) { return Seconds(clock.Now()); },
           "The clock's time, in seconds since the epoch.")
      .def("set", [](FakeClock& clock, double now) { clock.Set(FromSeconds(now, "now")); },
           py::arg("now"), "Moves the clock to `now` (seconds since the epoch), back or forth.")
      .def("advance",
           [](FakeClock& clock, double seconds) {
             // Saturates at the latest finite instant (FakeClock::Advance).
             clock.Advance(absl::Microseconds(SecondsToMicros(seconds, "seconds")));
           },
           py::arg("seconds"), "Moves the clock forward by `seconds`.");

  // Named as the public class that extends it, so that pybind11's argument
  // errors name the class users know.
  py::class_<Jar>(m, "NativeJar",
                  "The engine's cookie jar; use cookiejar.NativeJar, which adds the\n"
                  "request-context keywords and Pythonic results.")
      .def(py::init<const std::string&, std::shared_ptr<FakeClock>>(),
           py::arg("rules") = "chromium", py::kw_only(), py::arg("clock") = nullptr)
      .def_property_readonly(
          "rules", [](Jar& self) { return self.jar().rules().name; },
          "The name of the browser rules the jar follows (\"chromium\", \"firefox\"...).")
      .def_property_readonly("clock", &Jar::clock,
                             "The FakeClock the jar reads, or None for the system clock.")
      .def(
          "_store",
          [](Jar& self, py::handle url, py::handle lines, int status, COOKIEJAR_CONTEXT_PARAMS,
             py::handle server_date) {
            CookieRequest request = COOKIEJAR_CONTEXT_REQUEST(url);
            std::string date = OptionalBytes(server_date, "server_date").value_or("");
            std::vector<std::string> values;
            for (py::handle line : lines) values.push_back(Bytes(line, "Set-Cookie value"));
            std::vector<CookieInclusionStatus> results;
            // Nothing to store: the URLs are not looked at (as HttpCookies).
            if (!values.empty()) {
              results = self.WithRequest(request, [&](const ResolvedRequest& resolved) {
                return HttpCookies(&self.jar()).StoreResponse(resolved, status, values, date);
              });
            }
            py::list reasons(results.size());
            for (size_t i = 0; i < results.size(); ++i) {
              reasons[i] = py::tuple(py::cast(ReasonNames(results[i])));
            }
            return reasons;
          },
          py::arg("url"), py::arg("lines"), py::arg("status") = 200, COOKIEJAR_CONTEXT_ARGS,
          py::arg("server_date") = py::none())
      .def(
          "_header",
          [](Jar& self, py::handle url, COOKIEJAR_CONTEXT_PARAMS) {
            return py::bytes(self.WithRequest(
                COOKIEJAR_CONTEXT_REQUEST(url),
                [&](const ResolvedRequest& resolved) { return self.jar().GetCookieHeader(resolved); }));
          },
          py::arg("url"), COOKIEJAR_CONTEXT_ARGS)
      .def(
          "_explain",
          [](Jar& self, py::handle url, bool whole_jar, COOKIEJAR_CONTEXT_PARAMS) {
            const std::vector<CookieJar::Explanation> explanations = self.WithRequest(
                COOKIEJAR_CONTEXT_REQUEST(url), [&](const ResolvedRequest& resolved) {
                  return self.jar().Explain(
                      resolved, whole_jar ? ExplainScope::kWholeJar : ExplainScope::kSite);
                });
            py::list result(explanations.size());
            for (size_t i = 0; i < explanations.size(); ++i) {
              result[i] = py::make_tuple(ToPython(explanations[i].cookie),
                                         py::tuple(py::cast(ReasonNames(explanations[i].status))));
            }
            return result;
          },
          py::arg("url"), py::arg("whole_jar") = true, COOKIEJAR_CONTEXT_ARGS)
      .def(
          "_cookies_for",
          [](Jar& self, py::handle url, COOKIEJAR_CONTEXT_PARAMS) {
            return ToPython(self.WithRequest(
                COOKIEJAR_CONTEXT_REQUEST(url),
                [&](const ResolvedRequest& resolved) { return self.jar().GetCookies(resolved); }));
          },
          py::arg("url"), COOKIEJAR_CONTEXT_ARGS)
      .def(
          "_resolve",
          [](Jar& self, py::handle url, COOKIEJAR_CONTEXT_PARAMS) {
            const ResolvedRequest resolved = self.WithRequest(
                COOKIEJAR_CONTEXT_REQUEST(url),
                [](const ResolvedRequest& resolved) { return resolved; });
            // The fields of cookiejar._types.ResolvedRequest, in order.
            const CookiePartitionKey& partition = resolved.partition();
            return py::make_tuple(
                Text(resolved.url().Spec()),
                py::str(std::string(SameSiteContextName(resolved.same_site_for_sending()))),
                py::str(std::string(SameSiteContextName(resolved.same_site_for_setting()))),
                resolved.third_party(), py::str(partition.top_level_site),
                partition.cross_site_ancestor);
          },
          py::arg("url"), COOKIEJAR_CONTEXT_ARGS)
      .def("cookies",
           [](Jar& self) {
             std::vector<CanonicalCookie> cookies;
             {
               py::gil_scoped_release release;
               cookies = self.jar().GetAllCookies();
             }
             return ToPython(cookies);
           },
           "Every unexpired cookie, grouped by site, each group in header order.")
      .def(
          "import_cookie",
          [](Jar& self, py::handle cookie, bool keep_times) {
            CanonicalCookie c = FromPython(cookie);
            CookieInclusionStatus status;
            {
              py::gil_scoped_release release;
              status = self.jar().ImportCookie(c, keep_times ? CookieJar::ImportTimes::kKeep
                                                             : CookieJar::ImportTimes::kNow);
            }
            if (!status.IsInclude()) {
              RejectedError error;
              error.url = c.domain;
              error.reasons = ReasonNames(status);
              throw error;
            }
          },
          py::arg("cookie"), py::kw_only(), py::arg("keep_times") = true,
          "Puts back a stored cookie (a Cookie of cookies()); raises CookieRejected\n"
          "when it fails the checks a Set-Cookie line passes.")
      .def(
          "delete",
          [](Jar& self, py::handle cookie) {
            CanonicalCookie c = FromPython(cookie);
            py::gil_scoped_release release;
            return self.jar().DeleteCookie(c);
          },
          py::arg("cookie"),
          "Removes the cookie with the same name, domain, host-only flag, path and\n"
          "partition; returns whether there was one.")
      .def("clear",
           [](Jar& self) {
             py::gil_scoped_release release;
             return self.jar().DeleteAll();
           },
           "Removes every cookie; returns how many.")
      .def("end_session",
           [](Jar& self) {
             py::gil_scoped_release release;
             return self.jar().EndSession();
           },
           "The browser closed: removes the session cookies; returns how many.")
      .def("__len__",
           [](Jar& self) {
             py::gil_scoped_release release;
             return self.jar().size();
           },
           "The number of cookies in the jar, expired ones not yet purged included.")
      .def(
          "import_cookies_txt",
          [](Jar& self, const std::string& path) {
            absl::StatusOr<CookiesTxtReport> report;
            {
              py::gil_scoped_release release;
              report = ImportCookiesTxt(path, &self.jar());
            }
            if (!report.ok()) ThrowStatus(report.status());
            return ReportToPython(*report);
          },
          py::arg("path"),
          "Adds the cookies of a cookies.txt file (curl, wget, MozillaCookieJar).\n"
          "Returns {'imported': n, 'expired': n, 'errors': [...]}; raises StoreError\n"
          "when the file cannot be read.")
      .def(
          "import_cookies_txt_text",
          [](Jar& self, py::handle text) {
            std::string bytes = Bytes(text, "text");
            CookiesTxtReport report;
            {
              py::gil_scoped_release release;
              report = ImportCookiesTxtText(bytes, &self.jar());
            }
            return ReportToPython(report);
          },
          py::arg("text"),
          "Adds the cookies of cookies.txt text (str or bytes); returns the same\n"
          "report as import_cookies_txt.")
      .def(
          "export_cookies_txt",
          [](Jar& self, const std::string& path, bool lossy) {
            absl::Status status;
            {
              py::gil_scoped_release release;
              if (!lossy) {
                for (const CanonicalCookie& c : self.jar().GetAllCookies()) {
                  const std::string lost = CookiesTxtCannotHold(c);
                  if (!lost.empty()) {
                    status = absl::FailedPreconditionError(
                        "cookies.txt cannot hold " + lost + " of cookie " + c.name + " (" +
                        c.domain + c.path + "); pass lossy=True to write it without");
                    break;
                  }
                }
              }
              if (status.ok()) status = ExportCookiesTxt(self.jar(), path);
            }
            if (!status.ok()) ThrowStatus(status);
          },
          py::arg("path"), py::kw_only(), py::arg("lossy") = false,
          "Writes every cookie to a cookies.txt file, atomically and readable by its\n"
          "owner only. Raises StoreError (failed_precondition) when a cookie has\n"
          "what the format cannot hold (SameSite, Priority, a partition) unless\n"
          "lossy=True, and nothing is written then.")
      .def(
          "cookies_txt_text",
          [](Jar& self) {
            std::string text;
            {
              py::gil_scoped_release release;
              text = FormatCookiesTxt(self.jar().GetAllCookies());
            }
            return Text(text);
          },
          "Every cookie as cookies.txt text (what the format cannot hold is left out).");
}

// `with` for an object whose use ends with Close(): __exit__ closes it, even
// when the block raised, and lets the exception through.
template <typename T>
void DefineWith(py::class_<T>& cls, const char* exit_doc) {
  cls.def("__enter__", [](py::object self) { return self; }, "Returns the object itself.")
      .def(
          "__exit__",
          [](T& self, py::handle, py::handle, py::handle) {
            self.Close();
            return false;
          },
          py::arg("exc_type"), py::arg("exc_value"), py::arg("traceback"), exit_doc);
}

// --- cookies.txt files --------------------------------------------------------

// CookiesTxtFile is not thread-safe; the mutex makes the Python object so.
class TxtFile {
 public:
  TxtFile(const std::string& path, bool read_only, double lock_timeout) {
    CookiesTxtFile::Options options;
    options.read_only = read_only;
    options.lock_timeout = DurationFromSeconds(lock_timeout, "lock_timeout");
    absl::StatusOr<std::unique_ptr<CookiesTxtFile>> file;
    {
      py::gil_scoped_release release;
      file = CookiesTxtFile::Open(path, options);
    }
    if (!file.ok()) ThrowStatus(file.status());
    file_ = *std::move(file);
  }

  py::dict Load(Jar& jar) {
    CookiesTxtReport report;
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mu_);
      report = Open().Load(&jar.jar());
    }
    return ReportToPython(report);
  }

  void Save(Jar& jar) {
    absl::Status status;
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mu_);
      status = Open().Save(jar.jar());
    }
    if (!status.ok()) ThrowStatus(status);
  }

  void Close() {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(mu_);
    file_.reset();
  }

 private:
  CookiesTxtFile& Open() {
    if (!file_) ThrowStatus(absl::FailedPreconditionError("the cookies.txt file is closed"));
    return *file_;
  }

  std::mutex mu_;
  std::unique_ptr<CookiesTxtFile> file_;
};

void BindCookiesTxt(py::module_& m) {
  py::class_<TxtFile> file(
      m, "CookiesTxtFile",
      "A cookies.txt file that several processes share: opening it takes a lock on\n"
      "the file (shared when read_only, else exclusive), waiting up to\n"
      "lock_timeout seconds (StoreError 'unavailable' after that), held until\n"
      "close(). A link is refused, never followed; a file that is not a\n"
      "cookies.txt is refused and left as it is. A context manager:\n"
      "\n"
      "    with cookiejar.CookiesTxtFile(\"jar.txt\", lock_timeout=10) as f:\n"
      "        f.load(jar); ...; f.save(jar)");
  file.def(py::init<const std::string&, bool, double>(), py::arg("path"), py::kw_only(),
           py::arg("read_only") = false, py::arg("lock_timeout") = 0.0)
      .def("load", &TxtFile::Load, py::arg("jar"),
           "Adds the file's cookies to `jar`; returns {'imported': n, 'expired': n,\n"
           "'errors': [...]}.")
      .def("save", &TxtFile::Save, py::arg("jar"),
           "Replaces the file with the cookies of `jar`, atomically, keeping the lines\n"
           "it did not load. Raises StoreError when read_only or when a cookie has\n"
           "what the format cannot hold; nothing is written then.")
      .def("close", &TxtFile::Close,
           "Releases the lock; later calls raise StoreError. Closing twice is harmless.");
  DefineWith(file, "Closes the file (without saving: call save() to write).");
}


// --- Browser databases and JSON sessions -----------------------------------------

#ifdef COOKIEJAR_PYTHON_WITH_FORMATS
py::dict LocationToPython(const BrowserDatabaseLocation& l) {
  py::dict d;
  d["browser"] = l.browser;
  d["profile"] = Text(l.profile);
  d["display_name"] = Text(l.display_name);
  d["path"] = Text(l.path);
  d["default"] = l.is_default;
  return d;
}

std::optional<JsonCookieFormat> JsonFormatNamed(const std::string& name) {
  for (JsonCookieFormat f : {JsonCookieFormat::kStorageState, JsonCookieFormat::kCookieEditor}) {
    if (JsonCookieFormatName(f) == name) return f;
  }
  return std::nullopt;
}

py::dict JsonReportToPython(const JsonCookiesReport& r) {
  py::dict d;
  d["format"] = std::string(JsonCookieFormatName(r.format));
  d["imported"] = r.imported;
  d["expired"] = r.expired;
  d["ignored_origins"] = r.origins;
  std::vector<std::string> problems = r.problems;
  if (r.more_problems > 0) problems.push_back("... and " + std::to_string(r.more_problems) + " more");
  d["problems"] = py::cast(problems);
  return d;
}

// The JSON text of the jar's cookies, or a StoreError naming what a cookie
// would lose unless `lossy`.
std::string JsonText(Jar& self, const std::string& format_name, bool lossy) {
  std::optional<JsonCookieFormat> format = JsonFormatNamed(format_name);
  if (!format) throw py::value_error("unknown format '" + format_name +
                                     "' (storage-state, cookie-editor)");
  JsonCookiesExport out;
  {
    py::gil_scoped_release release;
    out = FormatJsonCookies(self.jar().GetAllCookies(), *format,
                            self.jar().rules().partition_ancestors);
  }
  if (!lossy && !out.losses.empty()) {
    ThrowStatus(absl::FailedPreconditionError(
        format_name + " cannot hold everything: " + out.losses[0] +
        (out.losses.size() > 1 ? " (and " + std::to_string(out.losses.size() - 1) + " more)"
                               : "") +
        "; pass lossy=True to write it without"));
  }
  return out.text;
}

void BindFormats(py::module_& m) {
  m.def(
      "browser_databases",
      [](py::handle browser, py::handle home) {
        BrowserSearchOptions options;
        if (!home.is_none()) options.home = py::str(home).cast<std::string>();
        const std::string name = browser.is_none() ? "" : browser.cast<std::string>();
        absl::StatusOr<std::vector<BrowserDatabaseLocation>> found;
        {
          py::gil_scoped_release release;
          found = FindBrowserDatabases(name, options);
        }
        if (!found.ok()) {
          if (found.status().code() == absl::StatusCode::kInvalidArgument) {
            throw py::value_error(std::string(found.status().message()));
          }
          ThrowStatus(found.status());
        }
        py::list out;
        for (const BrowserDatabaseLocation& l : *found) out.append(LocationToPython(l));
        return out;
      },
      py::arg("browser") = py::none(), py::kw_only(), py::arg("home") = py::none(),
      "The cookie databases of the browsers' profiles on this machine (Linux):\n"
      "[{'browser', 'profile', 'display_name', 'path', 'default'}], each browser's\n"
      "default profile first. `browser`: 'firefox', 'chromium' or 'chrome' (None:\n"
      "all); `home`: another home folder to search. An unknown browser raises\n"
      "ValueError; nothing installed is [].");

  auto jar = py::reinterpret_borrow<py::class_<Jar>>(m.attr("NativeJar"));
  jar.def(
         "import_browser",
         [](Jar& self, py::handle source, py::handle profile, py::handle home, bool keyring,
            double keyring_timeout) {
           // A browser's name, or the path of its database.
           const std::string name = py::str(source).cast<std::string>();
           const std::vector<std::string> known = KnownBrowsers();
           const bool named = std::find(known.begin(), known.end(), name) != known.end();
           BrowserDatabaseOptions options;
           options.keyring = keyring ? ChromiumKeyring::kSecretService : ChromiumKeyring::kNone;
           options.keyring_timeout =
               absl::Microseconds(static_cast<int64_t>(keyring_timeout * 1e6));
           BrowserSearchOptions search;
           if (!home.is_none()) search.home = py::str(home).cast<std::string>();
           const std::string wanted = profile.is_none() ? "" : py::str(profile).cast<std::string>();
           py::dict result;
           absl::StatusOr<BrowserImport> found;
           {
             py::gil_scoped_release release;
             if (named) {
               found = ImportBrowser(name, wanted, &self.jar(), options, search);
             } else {
               absl::StatusOr<BrowserDatabaseReport> read =
                   ImportBrowserDatabase(name, &self.jar(), options);
               if (read.ok()) {
                 found = BrowserImport{};
                 found->location.path = name;
                 found->report = *std::move(read);
               } else {
                 found = read.status();
               }
             }
           }
           if (!found.ok()) ThrowStatus(found.status());
           if (named) result["profile"] = Text(found->location.profile);
           const std::string& path = found->location.path;
           const BrowserDatabaseReport* report = &found->report;
           result["path"] = Text(path);
           result["browser"] = std::string(BrowserDatabaseKindName(report->kind));
           result["imported"] = report->imported;
           result["expired"] = report->expired;
           result["not_decrypted"] = report->not_decrypted;
           result["other_jars"] = report->other_jars;
           result["rows_left_out"] = report->rows_left_out;
           std::vector<std::string> problems = report->problems;
           if (report->more_problems > 0) {
             problems.push_back("... and " + std::to_string(report->more_problems) + " more");
           }
           result["problems"] = py::cast(problems);
           result["notes"] = py::cast(report->notes);
           result["keyring"] = std::string(KeyringStatusName(report->keyring));
           result["keyring_message"] = report->keyring_message;
           return result;
         },
         py::arg("source"), py::kw_only(), py::arg("profile") = py::none(),
         py::arg("home") = py::none(), py::arg("keyring") = true,
         py::arg("keyring_timeout") = 10.0,
         "Imports a browser's cookies: `source` is 'firefox', 'chromium' or 'chrome'\n"
         "(its default profile, or `profile`, found as the browser finds it) or the\n"
         "path of a cookies.sqlite or Cookies file. The browser's files are never\n"
         "changed. Chromium's v11 values are decrypted with the key the desktop\n"
         "keyring holds (unless keyring=False); 'keyring' in the result says what\n"
         "the lookup found ('not_needed', 'found', 'no_session_bus', 'locked'...).\n"
         "Returns {'path', 'browser', 'profile', 'imported', 'expired',\n"
         "'not_decrypted', 'other_jars', 'rows_left_out', 'problems', 'notes',\n"
         "'keyring', 'keyring_message'}; raises StoreError (not_found names the\n"
         "profiles there are).")
      .def(
          "import_storage_state_text",
          [](Jar& self, py::handle text) {
            const std::string bytes = Bytes(text, "text");
            absl::StatusOr<JsonCookiesReport> report;
            {
              py::gil_scoped_release release;
              report = ImportJsonCookies(bytes, &self.jar());
            }
            if (!report.ok()) ThrowStatus(report.status());
            return JsonReportToPython(*report);
          },
          py::arg("text"),
          "Imports the text of a Playwright storageState or cookie-editor JSON\n"
          "file; import_storage_state reads a file.")
      .def(
          "storage_state_text",
          [](Jar& self, const std::string& format, bool lossy) {
            return Text(JsonText(self, format, lossy));
          },
          py::kw_only(), py::arg("format") = "storage-state", py::arg("lossy") = false,
          "The jar's cookies as JSON: format 'storage-state' (Playwright) or\n"
          "'cookie-editor'. Raises StoreError when a cookie would lose something\n"
          "the format cannot hold (Priority, a partition...) unless lossy=True.")
      .def(
          "export_storage_state",
          [](Jar& self, py::handle path, const std::string& format, bool lossy) {
            const std::string file = py::str(path).cast<std::string>();
            const std::string text = JsonText(self, format, lossy);
            absl::Status status;
            {
              py::gil_scoped_release release;
              status = WriteFileAtomically(file, text);
            }
            if (!status.ok()) ThrowStatus(status);
          },
          py::arg("path"), py::kw_only(), py::arg("format") = "storage-state",
          py::arg("lossy") = false,
          "Writes storage_state_text() to `path` atomically, owner-only.");
}
#endif

// --- The SQLite store ---------------------------------------------------------

#ifdef COOKIEJAR_PYTHON_WITH_SQLITE
class SqliteStore {
 public:
  SqliteStore(const std::string& path, bool read_only, bool persist_session_cookies,
              double lock_timeout, double flush_interval, size_t flush_batch) {
    SqliteStoreOptions options;
    options.read_only = read_only;
    options.persist_session_cookies = persist_session_cookies;
    options.lock_timeout = DurationFromSeconds(lock_timeout, "lock_timeout");
    options.flush_interval = DurationFromSeconds(flush_interval, "flush_interval");
    options.flush_batch = flush_batch;
    absl::StatusOr<std::unique_ptr<SqliteCookieStore>> store;
    {
      py::gil_scoped_release release;
      store = SqliteCookieStore::Open(path, options);
    }
    if (!store.ok()) ThrowStatus(store.status());
    store_ = *std::move(store);
  }

  py::dict Attach(Jar& jar, const std::string& profile) {
    AttachReport report;
    absl::StatusOr<size_t> loaded;
    {
      py::gil_scoped_release release;
      std::shared_lock<std::shared_mutex> lock(mu_);
      loaded = Open().Attach(&jar.jar(), profile, &report);
    }
    if (!loaded.ok()) ThrowStatus(loaded.status());
    py::dict result;
    result["loaded"] = report.loaded;
    result["expired"] = report.expired;
    result["refused"] = py::cast(report.refused);
    result["evicted"] = report.evicted;
    result["uploaded"] = report.uploaded;
    return result;
  }

  void Detach(Jar& jar) { Check([&] { return Open().Detach(&jar.jar()); }); }
  void Flush() { Check([&] { return Open().Flush(); }); }
  void DeleteProfile(const std::string& profile) {
    Check([&] { return Open().DeleteProfile(profile); });
  }

  std::vector<std::string> Profiles() {
    absl::StatusOr<std::vector<std::string>> profiles;
    {
      py::gil_scoped_release release;
      std::shared_lock<std::shared_mutex> lock(mu_);
      profiles = Open().Profiles();
    }
    if (!profiles.ok()) ThrowStatus(profiles.status());
    return *std::move(profiles);
  }

  // Writes what is pending and closes; later calls raise.
  void Close() {
    py::gil_scoped_release release;
    std::unique_lock<std::shared_mutex> lock(mu_);
    store_.reset();
  }

 private:
  template <typename F>
  void Check(F f) {
    absl::Status status;
    {
      py::gil_scoped_release release;
      std::shared_lock<std::shared_mutex> lock(mu_);
      status = f();
    }
    if (!status.ok()) ThrowStatus(status);
  }

  SqliteCookieStore& Open() {
    if (!store_) ThrowStatus(absl::FailedPreconditionError("the store is closed"));
    return *store_;
  }

  // The store is thread-safe; this only keeps Close from racing other calls.
  std::shared_mutex mu_;
  std::unique_ptr<SqliteCookieStore> store_;
};

void BindSqlite(py::module_& m) {
  py::class_<SqliteStore> store(
      m, "SqliteStore",
      "The SQLite store: a database file holding named profiles, each the cookies\n"
      "of one jar. attach() loads a profile into a jar and then follows every\n"
      "change of the jar, written in batches (flush_interval seconds,\n"
      "flush_batch changes) and at flush() or close(). Crash-safe; the file is\n"
      "created readable by its owner only; a second writer waits up to\n"
      "lock_timeout seconds (StoreError 'unavailable' after that); read_only\n"
      "opens it without writing anything. A context manager:\n"
      "\n"
      "    with cookiejar.SqliteStore(\"cookies.db\") as store:\n"
      "        store.attach(jar, \"work\")\n"
      "\n"
      "include/cookiejar/sqlite/sqlite_cookie_store.h describes the guarantees.");
  store.def(py::init<const std::string&, bool, bool, double, double, size_t>(), py::arg("path"),
           py::kw_only(), py::arg("read_only") = false,
           py::arg("persist_session_cookies") = false, py::arg("lock_timeout") = 0.0,
           py::arg("flush_interval") = 30.0, py::arg("flush_batch") = 512)
      // The store follows the jar until detached: keep the jar alive as long.
      .def("attach", &SqliteStore::Attach, py::arg("jar"), py::arg("profile") = "default",
           py::keep_alive<1, 2>(),
           "Loads `profile` into `jar`, then writes every change of the jar to it.\n"
           "Returns {'loaded': n, 'expired': n, 'refused': [...], 'evicted': n}.")
      .def("detach", &SqliteStore::Detach, py::arg("jar"),
           "Writes what is pending for `jar` and stops following it.")
      .def("flush", &SqliteStore::Flush, "Writes every pending change now.")
      .def("profiles", &SqliteStore::Profiles, "The names of the profiles in the file.")
      .def("delete_profile", &SqliteStore::DeleteProfile, py::arg("profile"),
           "Removes a profile and its cookies from the file.")
      .def("close", &SqliteStore::Close,
           "Writes what is pending and closes the file; later calls raise StoreError.\n"
           "Closing twice is harmless.");
  DefineWith(store, "Closes the store, writing what is pending.");
}
#endif

}  // namespace

void Bind(py::module_& m) {
  m.doc() = "The cookiejar engine (C++); use the cookiejar package, not this module.";
  // The library's version (sources.bzl), the same as cookiejar_version().
  m.attr("__version__") = COOKIEJAR_VERSION;
  py::register_exception_translator(&TranslateErrors);
  BindJar(m);
  BindCookiesTxt(m);
#ifdef COOKIEJAR_PYTHON_WITH_FORMATS
  BindFormats(m);
  m.attr("HAS_FORMATS") = true;
#else
  m.attr("HAS_FORMATS") = false;
#endif
#ifdef COOKIEJAR_PYTHON_WITH_SQLITE
  BindSqlite(m);
  m.attr("HAS_SQLITE") = true;
#else
  m.attr("HAS_SQLITE") = false;
#endif
}

}  // namespace python
}  // namespace cookiejar

PYBIND11_MODULE(_cookiejar, m) { cookiejar::python::Bind(m); }
