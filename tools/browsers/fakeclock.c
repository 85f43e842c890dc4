/* A constant-offset fake clock for Firefox (libfaketime deadlocks it).
 *
 * LD_PRELOAD'ed; FAKECLOCK_OFFSET (seconds, may be negative, may have a
 * fraction) is added to CLOCK_REALTIME (and its coarse/alarm variants),
 * gettimeofday() and time(). Monotonic clocks are left alone. No dlsym and no
 * locks: the real clocks are read with raw syscalls, so nothing here can
 * allocate or deadlock, whatever thread or process calls it first. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long offset_ns;
static int ready;

static void init(void) {
  const char *s = getenv("FAKECLOCK_OFFSET");
  if (s) offset_ns = (long long)(strtod(s, NULL) * 1e9);
  ready = 1;
}

__attribute__((constructor)) static void fakeclock_ctor(void) { init(); }

static int is_realtime(clockid_t c) {
  return c == CLOCK_REALTIME || c == CLOCK_REALTIME_COARSE || c == CLOCK_REALTIME_ALARM ||
         c == CLOCK_TAI;
}

static void shift(struct timespec *ts) {
  long long ns = (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec + offset_ns;
  ts->tv_sec = ns / 1000000000LL;
  ts->tv_nsec = ns % 1000000000LL;
  if (ts->tv_nsec < 0) { ts->tv_nsec += 1000000000LL; ts->tv_sec -= 1; }
}

int clock_gettime(clockid_t c, struct timespec *ts) {
  if (!ready) init();
  int r = (int)syscall(SYS_clock_gettime, c, ts);
  if (r == 0 && is_realtime(c)) shift(ts);
  return r;
}

int __clock_gettime(clockid_t c, struct timespec *ts) { return clock_gettime(c, ts); }

int gettimeofday(struct timeval *tv, void *tz) {
  struct timespec ts;
  int r = clock_gettime(CLOCK_REALTIME, &ts);
  if (r == 0 && tv) {
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
  }
  (void)tz;
  return r;
}

time_t time(time_t *t) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (t) *t = ts.tv_sec;
  return ts.tv_sec;
}
