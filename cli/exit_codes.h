// The cookiejar command's exit codes, one per kind of outcome, so scripts
// can tell "the answer is no" from "the jar file is busy" from "the file is
// not a jar". Listed by `cookiejar help`.

#ifndef COOKIEJAR_CLI_EXIT_CODES_H_
#define COOKIEJAR_CLI_EXIT_CODES_H_

namespace cookiejar {

enum ExitCode : int {
  kExitOk = 0,
  // The command ran and said no: a cookie was refused (set, import), a URL
  // or host does not parse, replay found different headers.
  kExitRefused = 1,
  // The command line is wrong: unknown command or option, missing or extra
  // argument.
  kExitUsage = 2,
  // The jar file stayed in use by another process for longer than --wait.
  kExitBusy = 3,
  // A file cannot be used: missing, unreadable, a directory or a link, not a
  // cookie jar, corrupted, or of a newer version.
  kExitBadFile = 4,
  // The change could not be saved (disk full, no permission): nothing was.
  kExitNotSaved = 5,
};

}  // namespace cookiejar

#endif  // COOKIEJAR_CLI_EXIT_CODES_H_
