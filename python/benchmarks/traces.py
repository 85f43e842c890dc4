"""The crawler and single-site traces of benchmarks/trace.cc, generated the
same way (splitmix64, same seed, same draws), so that the Python benchmark
replays the workloads the C++ benchmarks measure. Events are ("S", url, line)
and ("G", url, None)."""

MASK = (1 << 64) - 1
SEED = 20261122
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
TLDS = ["com", "com", "com", "org", "net", "co.uk", "de", "io", "com.au", "fr"]
NAMES = ["_ga", "_gid", "sessionid", "csrftoken", "lang", "consent", "_fbp", "uid"]


class Random:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def between(self, lo, hi):
        return lo + self.next() % (hi - lo + 1)

    def token(self, length):
        return "".join(ALPHABET[self.next() % 64] for _ in range(length))


def crawler(seed=SEED):
    """3,000 cookies over 1,000 sites, then 10,000 requests to their pages."""
    random = Random(seed)
    sites = [f"site{i}.{TLDS[i % 10]}" for i in range(1000)]
    events = []
    for c in range(3000):
        site = sites[c if c < 1000 else random.between(0, 999)]
        # Draws in the order GCC evaluates the StrCat arguments of trace.cc:
        # right to left (the token's length, the token, then the name).
        length = random.between(70, 120)
        token = random.token(length)
        name = NAMES[random.between(0, 7)]
        line = f"{name}{c}={token}; Path=/; Max-Age=31536000; SameSite=Lax"
        if random.next() % 2:
            line += f"; Domain={site}"
        if random.next() % 4:
            line += "; Secure"
        events.append(("S", f"https://www.{site}/", line))
    for _ in range(10000):
        page = random.between(1, 500)  # Right to left again.
        site = sites[random.between(0, 999)]
        events.append(("G", f"https://www.{site}/page/{page}", None))
    return events


def single_site(seed=SEED):
    """150 cookies on one site, then 10,000 requests to its pages."""
    random = Random(seed)
    events = []
    for c in range(150):
        length = random.between(10, 18)
        events.append(("S", "https://shop.example.com/",
                       f"c{c}={random.token(length)}; Path=/; Max-Age=86400; Secure"))
    for _ in range(10000):
        events.append(("G", f"https://shop.example.com/product/{random.between(1, 5000)}", None))
    return events


def format_trace(events):
    """The text format of benchmarks/trace.h, to compare with trace_gen."""
    return "".join(f"S\t{url}\t{line}\n" if kind == "S" else f"G\t{url}\n"
                   for kind, url, line in events)
