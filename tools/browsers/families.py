"""The case families. Every generator uses a fixed seed, so a re-record
produces the same cases (same ids, hosts, lines and steps)."""
from case import Case
from gen import Hosts, corpus, map_corpus_line, rng, url

# ---------------------------------------------------------------------------
# parse / top-level

NAMES_COMMON = ["a", "b", "SID", "n1", "x-y", "ca$h", "A", "tok_en", "a.b", "{a}"]
NAMES_ODD = ["", " a", "a ", "a b", "a\tb", "\ta", '"q"', "ü", b"\xff", b"n\xc3\x28",
             "$Version", "a,b", "a\\b", "a\x01", "a\x7f", "__Secure-a", "__Host-a",
             "__secure-a", "__HOST-a", "__Http-a", "__Host-Http-a", "__host-http-a",
             "__http-a", "__Secure-", "__Host-", "a/b", "a@b", "a[b]", "a?b", "a:b",
             "ÿ", "日本"]
VALUES = ["v", "", '"v"', '"v', 'v"', '""', "a b", " a", "a ", "a\tb", "\tv", "v\t",
          "=v", "a=b", "a=b=c", "ü", b"\xc3\x28", b"\xff", "a,b", "\\", "a\x01b",
          "a\x7fb", "%20", "__Secure-x", "__Host-x", "a\"b", "{}", "日本語", "a  b",
          "x" * 100, "€", b"\xe2\x82", "a\\\"b", "a%00b"]
PATHS = ["/", "", "/a", "/a/", "a", "/A", "/a/b", "/a%2Fb", " /a", '"/a"', "/ü", "/a/b/c",
         "/a/b/c.html", "/a;", "/.", "/a/../b", "//", "/a//b", "/A/B"]


def b(x):
    return x if isinstance(x, bytes) else x.encode("utf-8")


def attr_pool(h, r, sethost):
    """Attribute strings for one case."""
    up = h.base.upper()
    dom = [h.base, "." + h.base, h.sub, "." + h.sub, h.other, h.base + ".", up, "",
           ".." + h.base, "sub." + sethost, " " + h.base, "." + h.base + ".",
           h.base + ":443", "%s%s" % ("x", h.base)]
    if h.suffix:
        dom += [h.suffix, "." + h.suffix]
    if h.kind == "idn":
        dom += [h.base_unicode, "." + h.base_unicode, "SUB." + h.base_unicode.upper()]
    if h.is_ip:
        dom += ["127.0.0.1", ".127.0.0.%s" % h.base.split(".")[-1], "0.0.%s" % h.base.split(".")[-1]]
    a = []
    a.append(("Path", r.choice(PATHS)))
    a.append(("Domain", r.choice(dom)))
    a.append(("Expires", r.choice(["Wed, 01 Jan 2020 00:00:00 GMT", "Fri, 01 Jan 2027 00:00:00 GMT",
                                    "garbage", "", "Thu, 01 Jan 1970 00:00:01 GMT",
                                    "Sat, 01 Jan 2050 00:00:00 GMT"])))
    a.append(("Max-Age", r.choice(["0", "-1", "100", "3600", "abc", "+60", "1e3", "",
                                    "99999999999", " 60", "60 ", "0x10", "-0"])))
    a.append(("Secure", None))
    a.append(("HttpOnly", None))
    a.append(("SameSite", r.choice(["Strict", "Lax", "None", "strict", "NONE", "bogus", "",
                                     "Lax ", "None;", "lAx"])))
    a.append(("Partitioned", None))
    a.append(("Priority", r.choice(["High", "Low", "Medium", "bogus", "high", "LOW"])))
    a.append((r.choice(["Foo", "Comment", "Version", "HostOnly", "Port", "Discard", "x"]),
              r.choice([None, "bar", "1", ""])))
    return a


def casefold_random(s, r):
    return "".join(c.upper() if r.random() < 0.5 else c.lower() for c in s)


def render_attrs(attrs, r):
    out = b""
    for k, v in attrs:
        sep = r.choices(["; ", ";", " ; ", ";  ", "; ; "], [80, 8, 4, 4, 4])[0]
        if r.random() < 0.15:
            k = casefold_random(k, r)
        if v is None:
            if r.random() < 0.05:
                out += b(sep + k + "=")
            else:
                out += b(sep + k)
        else:
            eq = r.choices(["=", " = ", "= ", " ="], [85, 5, 5, 5])[0]
            out += b(sep + k + eq) + b(v)
    if r.random() < 0.05:
        out += b";"
    return out


def random_line(r, h, sethost, name=None):
    if name is None:
        name = r.choice(NAMES_COMMON) if r.random() < 0.6 else r.choice(NAMES_ODD)
    value = r.choice(VALUES) if r.random() < 0.5 else r.choice(["v", "1", "val", "x"])
    form = r.choices(["nv", "nameless", "emptyname"], [90, 5, 5])[0]
    if form == "nv":
        nv = b(name) + b"=" + b(value)
    elif form == "nameless":
        nv = b(value)
    else:
        nv = b"=" + b(value)
    pool = attr_pool(h, r, sethost)
    k = r.choices([0, 1, 2, 3, 4, 5], [10, 25, 25, 20, 12, 8])[0]
    attrs = r.sample(pool, k)
    if r.random() < 0.1 and attrs:   # repeat an attribute with another value
        k2, _ = attrs[0]
        again = [a for a in attr_pool(h, r, sethost) if a[0] == k2]
        attrs.append(again[0] if again else attrs[0])
    # Secure often, so that SameSite=None / prefixes / Partitioned can work
    if r.random() < 0.4 and not any(a[0].lower() == "secure" for a in attrs):
        attrs.append(("Secure", None))
    return nv + render_attrs(attrs, r)


def read_urls(h, sethost, setpath, r, scheme):
    p = setpath if setpath else "/"
    reads = [url("https", sethost, p), url("http", sethost, "/"),
             url("https", h.deep, "/a/b/c/d"), url("https", h.base if sethost != h.base else h.sibling, "/")]
    if r.random() < 0.3:
        reads.append(url("https", h.other, "/"))
    if r.random() < 0.3:
        reads.append(url("http", h.sub, "/a/"))
    return reads


def simple_case(cid, note, h, set_url, lines, reads, extra_sets=()):
    """One navigation that sets `lines`, optional further setting
    navigations [(url, lines)], then one navigation per read URL."""
    c = Case(cid, note)
    c.page(set_url, lines)
    c.navigate(set_url)
    for u, ls in extra_sets:
        c.page(u, ls)
        c.navigate(u)
    for i, u in enumerate(reads):
        u = u + ("&" if "?" in u else "?") + "r%d" % i
        c.page(u)
        c.navigate(u)
    return c


HOST_KINDS = (["example"] * 12 + ["test"] * 3 + ["co.uk"] * 2 + ["github.io"] * 2 +
              ["idn"] * 1 + ["ip"] * 1)
SET_PATHS = ["/", "/a", "/a/", "/a/b", "/a/b/", "/a/b/c.html", "/A/b", "/dir/page"]


def pick_set(r, h):
    host = r.choices([h.base, h.sub, h.deep], [60, 30, 10])[0]
    scheme = r.choices(["https", "http"], [70, 30])[0]
    path = r.choice(SET_PATHS)
    return scheme, host, path


def gen_parse():
    out = []
    n = [0]

    def nid():
        n[0] += 1
        return n[0]

    # 1. grammar: random lines, one response -------------------------------
    r = rng(6265001)
    for _ in range(1150):
        i = nid()
        h = Hosts("p%05d" % i, r.choice(HOST_KINDS), i)
        scheme, host, path = pick_set(r, h)
        k = r.choices([1, 2, 3, 4], [45, 30, 15, 10])[0]
        lines = [random_line(r, h, host) for _ in range(k)]
        out.append(simple_case("parse-%05d" % i, "grammar: %d random line(s) from %s://%s%s" %
                               (k, scheme, host, path), h, url(scheme, host, path + "?s"),
                               lines, read_urls(h, host, path, r, scheme)))

    # 2. prefixes, systematic ---------------------------------------------
    prefixes = ["__Secure-", "__Host-", "__Http-", "__Host-Http-", "__secure-", "__HOST-",
                "__host-http-", "__HTTP-", "__Secure-__Host-", "_Host-", "__Host_"]
    attrsets = [
        "", "; Secure", "; Secure; Path=/", "; Secure; Path=/; Domain=%(base)s",
        "; Secure; HttpOnly; Path=/", "; HttpOnly; Secure", "; Secure; Path=/a",
        "; Secure; Path=/; HttpOnly; SameSite=Lax", "; secure; path=/; httponly",
        "; Path=/; HttpOnly", "; Secure; Path=/; Domain=", "; Secure; Path=; HttpOnly",
    ]
    r = rng(6265002)
    for pi, pre in enumerate(prefixes):
        for scheme in ("https", "http"):
            for path in ("/", "/a/b"):
                i = nid()
                h = Hosts("p%05d" % i, "example", i)
                lines = []
                for ai, a in enumerate(attrsets):
                    lines.append("%sn%d=v%s" % (pre, ai, a % {"base": h.base}))
                # nameless and empty-name lines whose value carries the prefix
                lines.append("%sx=nameless; Secure; Path=/" % pre)
                lines.append("=%sy=v; Secure; Path=/" % pre)
                lines.append("%sz; Secure; Path=/" % pre)
                cs = [lines[j:j + 5] for j in range(0, len(lines), 5)]
                c = simple_case("parse-%05d" % i, "prefix %r, %d attribute sets, set from %s://...%s"
                                % (pre, len(attrsets), scheme, path), h,
                                url(scheme, h.base, path + "?s1"), cs[0],
                                [url("https", h.base, "/"), url("https", h.base, path),
                                 url("http", h.base, path), url("https", h.sub, "/")],
                                extra_sets=[(url(scheme, h.base, path + "?s%d" % (k + 2)), x)
                                            for k, x in enumerate(cs[1:])])
                out.append(c)

    # 3. control and odd bytes, systematic ---------------------------------
    placements = [
        ("name", "n%sx=v"), ("value-mid", "n=a%sb"), ("value-start", "n=%sv"),
        ("value-end", "n=v%s"), ("attr-value", "n=v; Path=/%sp"),
        ("attr-name", "n=v; Se%scure"), ("after-semicolon", "n=v;%s Path=/"),
    ]
    bytes_ = list(range(0, 0x20)) + [0x7f, 0x80, 0xa0, 0xff]
    for by in bytes_:
        for pname, pat in placements:
            i = nid()
            h = Hosts("p%05d" % i, "example", i)
            line = pat.encode() % bytes([by])
            c = simple_case("parse-%05d" % i, "byte 0x%02x in %s" % (by, pname), h,
                            url("https", h.base, "/?s"), [b"ok1=1", line, b"ok2=2"],
                            [url("https", h.base, "/p")])
            out.append(c)

    # 4. overwrite sequences (creation order shows in the Cookie header) ----
    r = rng(6265004)
    variants = [
        ("same value", ["a=1", "b=2"], ["a=1"]),
        ("changed value", ["a=1", "b=2"], ["a=3"]),
        ("changed attrs only", ["a=1", "b=2"], ["a=1; HttpOnly"]),
        ("same name other path", ["a=1; Path=/", "b=2"], ["a=3; Path=/p"]),
        ("domain vs host-only", ["a=1", "b=2"], ["a=3; Domain=%(base)s"]),
        ("host-only then domain then host-only", ["a=1; Domain=%(base)s"], ["a=2", "a=3; Domain=%(base)s"]),
        ("delete by Max-Age=0", ["a=1", "b=2"], ["a=; Max-Age=0"]),
        ("delete by past Expires", ["a=1", "b=2"], ["a=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]),
        ("delete with mismatched Domain", ["a=1", "b=2"], ["a=; Max-Age=0; Domain=%(base)s"]),
        ("delete with mismatched Path", ["a=1; Path=/", "b=2"], ["a=; Max-Age=0; Path=/x"]),
        ("http overwrites Secure", ["a=1; Secure", "b=2"], ["a=3"]),
        ("name case", ["a=1", "A=2"], ["a=3"]),
        ("Secure then insecure same name other path", ["a=1; Secure; Path=/"], ["a=2; Path=/p"]),
        ("session to persistent", ["a=1", "b=2"], ["a=1; Max-Age=3600"]),
        ("persistent to session", ["a=1; Max-Age=3600", "b=2"], ["a=1"]),
        ("same response twice", ["a=1", "b=2", "a=3"], []),
        ("same response same value", ["a=1", "b=2", "a=1"], []),
        ("nameless overwrite", ["v1", "b=2"], ["v2"]),
        ("empty name overwrite", ["=v1", "b=2"], ["=v2"]),
        ("nameless vs empty name", ["v1"], ["=v2"]),
        ("HttpOnly to not", ["a=1; HttpOnly", "b=2"], ["a=1"]),
        ("SameSite change", ["a=1; SameSite=Strict", "b=2"], ["a=1; SameSite=Lax"]),
    ]
    for vi, (note, first, second) in enumerate(variants):
        for scheme2 in ("https", "http"):
            for rep in range(3):
                i = nid()
                h = Hosts("p%05d" % i, ["example", "co.uk", "test"][rep], i)
                sub = {"base": h.base}
                f = [x % sub for x in first]
                s = [x % sub for x in second]
                if rep == 2:   # set from the subdomain
                    host = h.sub
                else:
                    host = h.base
                extra = [(url(scheme2, host, "/?s2"), s)] if s else []
                out.append(simple_case(
                    "parse-%05d" % i, "overwrite: %s (second response over %s)" % (note, scheme2), h,
                    url("https", host, "/?s1"), f,
                    [url("https", host, "/p/q"), url("http", host, "/"), url("https", h.deep, "/")],
                    extra_sets=extra))

    # 5. size limits ------------------------------------------------------
    sizes = [
        ("name+value 4096", "n", 4095), ("name+value 4097", "n", 4096),
        ("name+value 4095", "n", 4094), ("name+value 4100", "n", 4099),
        ("long name 4096", "N" * 4095, 1), ("long name 4097", "N" * 4096, 1),
        ("value 4096 empty name", "", 4096), ("value 4097 empty name", "", 4097),
        ("name+value 8192", "n", 8191),
    ]
    for note, name, vlen in sizes:
        for quoted in (False, True):
            i = nid()
            h = Hosts("p%05d" % i, "example", i)
            v = "v" * vlen
            if quoted:
                v = '"' + v[2:] + '"'
            line = ("%s=%s; Path=/" % (name, v)) if name else ("=%s" % v)
            out.append(simple_case("parse-%05d" % i, "size: %s%s" % (note, " (quoted)" if quoted else ""),
                                   h, url("https", h.base, "/?s"), ["ok=1", line],
                                   [url("https", h.base, "/")]))
    for attr, lens in (("Path", (1023, 1024, 1025, 2000)), ("Domain", (1023, 1024, 1025)),
                       ("SameSite", (1024, 1025)), ("Foo", (1024, 1025, 5000)),
                       ("Expires", (1024, 1025)), ("Max-Age", (1024, 1025))):
        for ln in lens:
            i = nid()
            h = Hosts("p%05d" % i, "example", i)
            if attr == "Path":
                v = "/" + "p" * (ln - 1)
            elif attr == "Domain":
                v = ("x" * (ln - len(h.base) - 1)) + "." + h.base
            elif attr == "Max-Age":
                v = "1" * ln
            else:
                v = "x" * ln
            line = "n=v; %s=%s; Secure" % (attr, v)
            out.append(simple_case("parse-%05d" % i, "size: %s value of %d bytes" % (attr, ln), h,
                                   url("https", h.base, "/?s"), ["ok=1", line],
                                   [url("https", h.base, "/"),
                                    url("https", h.base, v if attr == "Path" else "/x")]))
    # many cookies in one header and a long Cookie header
    for cnt in (50, 100):
        i = nid()
        h = Hosts("p%05d" % i, "example", i)
        lines = ["k%03d=%s" % (j, "v" * 100) for j in range(cnt)]
        out.append(simple_case("parse-%05d" % i, "%d cookies of 100-byte values in one response" % cnt, h,
                               url("https", h.base, "/?s"), lines, [url("https", h.base, "/")]))

    # 6. http-state corpus, mapped and mutated ------------------------------
    r = rng(6265006)
    mutations = ["original", "https", "attr-case", "spaces", "secure-from-http-sub"]
    for tc in corpus():
        for mu in mutations:
            i = nid()
            h = Hosts("p%05d" % i, "example", i)
            home = "home." + h.base
            lines = [map_corpus_line(x, h.base).encode("utf-8") for x in tc["received"]]
            scheme = "https" if mu == "https" else "http"
            if mu == "attr-case":
                lines = [l.split(b";")[0] + b";".join(
                    [b""] + [casefold_random(x.decode("utf-8", "surrogateescape"), r).encode(
                        "utf-8", "surrogateescape") for x in l.split(b";")[1:]]) for l in lines]
            elif mu == "spaces":
                lines = [l.replace(b";", b" ;  ").replace(b"=", b" = ", 1) for l in lines]
            elif mu == "secure-from-http-sub":
                lines = [l + b"; Secure" for l in lines]
            sent_to = tc.get("sent-to")
            if sent_to:
                sent_to = map_corpus_line(sent_to, h.base).replace(":8888", "")
                if sent_to.startswith("/"):
                    sent_to = "%s://%s%s" % (scheme, home, sent_to)
                elif scheme == "https":
                    sent_to = sent_to.replace("http://", "https://", 1)
            else:
                sent_to = "%s://%s/cookie-parser-result?%s" % (scheme, home, tc["test"].lower())
            set_url = "%s://%s/cookie-parser?%s" % (scheme, home, tc["test"].lower())
            reads = [sent_to, "%s://%s/" % (scheme, home)]
            if mu == "secure-from-http-sub":
                reads.append("https://%s/cookie-parser-result" % home)
            out.append(simple_case("parse-%05d" % i, "http-state %s (%s)" % (tc["test"], mu), h,
                                   set_url, lines, reads))

    # 7. Domain attribute, systematic per host kind (appended later: the ids
    #    above do not move)
    for kind in ("example", "co.uk", "github.io", "idn", "ip", "test"):
        for from_sub in (False, True):
            i = nid()
            h = Hosts("p%05d" % i, kind, i)
            host = h.sub if from_sub else h.base
            doms = [h.base, "." + h.base, h.base.upper(), h.base + ".", "." + h.base + ".",
                    h.sub, "." + h.sub, "sub2." + h.base, h.other, ""]
            if h.suffix:
                doms += [h.suffix, "." + h.suffix, h.suffix.upper()]
            if kind == "idn":
                u = h.base_unicode
                doms += [u, "." + u, u.upper(), "sub." + u, "xn--" + u, u.replace("ü", "ü")]
            if kind == "ip":
                last = h.base.split(".")[-1]
                doms += ["127.0.0.1", "." + h.base, "0.0." + last, "127.0.0.0%s" % last,
                         "127.1" if last == "1" else "127.%s" % last, "[::1]", "localhost"]
            lines = ["d%02d=v; Path=/; Domain=%s" % (j, d) for j, d in enumerate(doms)]
            chunks = [lines[j:j + 6] for j in range(0, len(lines), 6)]
            extra = [(url("https", host, "/?s%d" % (k + 2)), x) for k, x in enumerate(chunks[1:])]
            reads = [url("https", h.base, "/"), url("https", h.sub, "/"),
                     url("https", h.deep, "/"), url("https", h.sibling, "/")]
            out.append(simple_case("parse-%05d" % i, "Domain variants on %s hosts, set from %s" %
                                   (kind, "sub." if from_sub else "the base host"), h,
                                   url("https", host, "/?s1"), chunks[0], reads, extra_sets=extra))

    # 8. Path attribute vs default path, systematic
    set_paths = ["/", "/a", "/a/", "/a/b", "/a/b/", "/a/b/c", "/%61/b", "/a;b/c", "/a%2Fb/c", "/A/b"]
    path_attrs = [None, "/", "", "a", "/a", "/a/", "/a/b", "/a/b/", "/A", "/%61", "/a/b/c/d",
                  "/a b", "/ü", "//", "/a/./b", "/a/../b"]
    for sp in set_paths:
        i = nid()
        h = Hosts("p%05d" % i, "example", i)
        lines = []
        for j, pa in enumerate(path_attrs):
            lines.append("p%02d=v" % j + ("" if pa is None else "; Path=" + pa))
        chunks = [lines[j:j + 8] for j in range(0, len(lines), 8)]
        extra = [(url("https", h.base, sp + "?s%d" % (k + 2)), x) for k, x in enumerate(chunks[1:])]
        reads = [url("https", h.base, p) for p in ("/", "/a", "/a/", "/a/b", "/a/b/c/d", "/A/b",
                                                    "/ab", "/a/bc", "/%61/b")]
        out.append(simple_case("parse-%05d" % i, "Path attributes vs the default path, set from %s" % sp,
                               h, url("https", h.base, sp + "?s1"), chunks[0], reads, extra_sets=extra))
    return out


# ---------------------------------------------------------------------------
# dates / expiry

WDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WDAYS_LONG = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]


def date_strings():
    """Expires attribute values: a grammar, deterministic."""
    import datetime as dt
    r = rng(6265100)
    out = []
    # Years: relative to the fake clock start (2026-01-01 00:00 UTC) the
    # dates are days or more away, so the recording's clock drift does not
    # matter.
    years4 = [1600, 1601, 1602, 1899, 1900, 1969, 1970, 1999, 2000, 2025, 2027, 2030, 2037,
              2038, 2039, 2100, 3000, 9999, 10000, 99999, 275760, 275761, 0, 1, 10, 100, 999]
    years2 = [0, 1, 9, 49, 50, 68, 69, 70, 99]
    years3 = [100, 170, 999]
    for y in years4:
        out.append("Fri, 15 Jan %d 12:00:00 GMT" % y)
    for y in years2:
        out.append("Fri, 15-Jan-%02d 12:00:00 GMT" % y)
        out.append("15 Jan %d 12:00:00 GMT" % y)
    for y in years3:
        out.append("Fri, 15 Jan %d 12:00:00 GMT" % y)
    # formats
    base = dt.datetime(2026, 3, 4, 5, 6, 7)
    wd = WDAYS[base.weekday()]
    out += [
        base.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        base.strftime("%A, %d-%b-%y %H:%M:%S GMT"),
        base.strftime("%a %b  %d %H:%M:%S %Y"),
        base.strftime("%a %b %d %H:%M:%S %Y"),
        base.strftime("%d %b %Y %H:%M:%S"),
        base.strftime("%d %B %Y %H:%M:%S GMT"),
        base.strftime("%Y-%m-%dT%H:%M:%SZ"),
        base.strftime("%Y-%m-%d %H:%M:%S"),
        base.strftime("%m/%d/%Y %H:%M:%S"),
        base.strftime("%d/%m/%Y"),
        base.strftime("%a, %d %b %Y"),
        base.strftime("%H:%M:%S %d %b %Y"),
        base.strftime("%b %d %Y %H:%M:%S"),
        base.strftime("%Y %b %d %H:%M:%S"),
        "Mon, 04 Mar 2026 05:06:07 GMT",          # wrong weekday
        "Xyz, 04 Mar 2026 05:06:07 GMT",
        "04 mar 2026 05:06:07 gmt",
        "04 MAR 2026 05:06:07 GMT",
        "04 March 2026 05:06:07 GMT",
        "04 Marc 2026 05:06:07 GMT",
        "04 Ma 2026 05:06:07 GMT",
        "04 03 2026 05:06:07 GMT",
        "4 Mar 2026 5:6:7 GMT",
        "04 Mar 2026 05:06 GMT",
        "04 Mar 2026 05 GMT",
        "04 Mar 2026 05:06:07:08 GMT",
        "04 Mar 2026 005:06:07 GMT",
        "04 Mar 2026 05:006:07 GMT",
        "04 Mar 2026 24:00:00 GMT",
        "04 Mar 2026 23:60:00 GMT",
        "04 Mar 2026 23:59:60 GMT",
        "04 Mar 2026 23:59:59 GMT",
        "00 Mar 2026 05:06:07 GMT",
        "31 Feb 2026 05:06:07 GMT",
        "29 Feb 2026 05:06:07 GMT",
        "29 Feb 2028 05:06:07 GMT",
        "32 Mar 2026 05:06:07 GMT",
        "31 Apr 2026 05:06:07 GMT",
        "004 Mar 2026 05:06:07 GMT",
        "04 Mar 02026 05:06:07 GMT",
        "04 Mar 2026 05:06:07 UTC",
        "04 Mar 2026 05:06:07 +0000",
        "04 Mar 2026 05:06:07 +0100",
        "04 Mar 2026 05:06:07 -0800",
        "04 Mar 2026 05:06:07 PST",
        "04 Mar 2026 05:06:07 EST5EDT",
        "04 Mar 2026 05:06:07 Z",
        "04 Mar 2026 05:06:07",
        "04 Mar 2026 05:06:07 GMT+2",
        "04-Mar-2026 05:06:07 GMT",
        "04/Mar/2026:05:06:07 +0000",
        "04.Mar.2026 05:06:07 GMT",
        "04\tMar\t2026\t05:06:07\tGMT",
        "04  Mar  2026  05:06:07  GMT",
        " 04 Mar 2026 05:06:07 GMT",
        "04 Mar 2026 05:06:07 GMT ",
        "\"04 Mar 2026 05:06:07 GMT\"",
        "Wed, 04 Mar 2026 05:06:07 GMT garbage",
        "garbage Wed, 04 Mar 2026 05:06:07 GMT",
        "04Mar2026 05:06:07",
        "Mar042026 05:06:07",
        "2026 04 Mar 05:06:07",
        "05:06:07 2026 Mar 04",
        "Mar 04 05:06:07 2026",
        "04 Mar 26 05:06:07",
        "04 Mar 70 05:06:07",
        "04 Mar 69 05:06:07",
        "04 Mar 2026 05:06:07 GMT, 05 Mar 2026",
        "04 Mar 2026 05:06:07; 05 Mar 2027",
        "04 Mar 2026,05:06:07",
        "04,Mar,2026,05:06:07",
        "04!Mar!2026!05:06:07",
        "04\x01Mar 2026 05:06:07",
        "04 Mar 2026 05:06:07.123 GMT",
        "04 Mar 2026 -05:06:07 GMT",
        "04 Mar -2026 05:06:07 GMT",
        "4 Mar 2026 05:06:07 GMT Mar",
        "04 Mar Apr 2026 05:06:07 GMT",
        "04 Mar 2026 05:06:07 2027",
        "04 Mar 2026 06:07:08 05:06:07",
        "", " ", "0", "-1", "1767225600", "Infinity", "now", "never",
        "Thu, 01 Jan 1970 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:01 GMT",
        "Wed, 31 Dec 1969 23:59:59 GMT",
        "Thu, 31 Dec 2025 23:00:00 GMT",      # one hour before the fake start
        "Thu, 01 Jan 2026 06:00:00 GMT",      # six hours after it
        "Fri, 05 Feb 2027 00:00:00 GMT",      # around the 400-day cap
        "Sat, 06 Feb 2027 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Sat, 01 Jan 10000 00:00:00 GMT",
        "Tue, 19 Jan 2038 03:14:07 GMT", "Tue, 19 Jan 2038 03:14:08 GMT",
        "Sun, 07 Feb 2106 06:28:15 GMT", "Sun, 07 Feb 2106 06:28:16 GMT",
    ]
    # random combinations of the parts
    seps = [" ", "-", "/", ",", ", ", "\t", "  ", ".", ";"]
    tzs = ["GMT", "UTC", "", "+0000", "PST", "gmt", "Z", "GMT+0", "CET"]
    for _ in range(900):
        y = r.choice([r.randint(1500, 2200), r.choice(years4), r.choice(years2), r.randint(0, 99)])
        mo = r.randrange(12)
        d = r.randint(0, 32)
        hh, mm, ss = r.randint(0, 25), r.randint(0, 61), r.randint(0, 61)
        month = r.choice([MONTHS[mo], MONTHS_LONG[mo], MONTHS[mo].lower(), MONTHS[mo].upper(),
                          MONTHS_LONG[mo][:4]])
        ys = ("%02d" % y) if y < 100 and r.random() < 0.7 else str(y)
        if r.random() < 0.15:
            ys = ys.zfill(r.randint(len(ys), 6))
        t = "%s:%s:%s" % tuple(str(v).zfill(r.choice([1, 2, 2, 2, 3])) for v in (hh, mm, ss))
        parts = [r.choice(WDAYS + WDAYS_LONG + [""]), "%02d" % d if r.random() < 0.8 else str(d),
                 month, ys, t, r.choice(tzs)]
        order = r.choice([[0, 1, 2, 3, 4, 5], [0, 2, 1, 4, 3, 5], [1, 2, 3, 4, 5], [2, 1, 3, 4, 5],
                          [0, 1, 2, 3, 4], [4, 1, 2, 3, 5], [3, 2, 1, 4, 5], [0, 2, 1, 3, 4]])
        sep = r.choice(seps)
        s = ""
        for k, idx in enumerate(order):
            if not parts[idx]:
                continue
            if s:
                s += ", " if (k == 1 and order[0] == 0 and sep == " " and r.random() < 0.6) else sep
            s += parts[idx]
        out.append(s)
    seen = set()
    uniq = []
    for s in out:
        if s not in seen:
            seen.add(s)
            uniq.append(s)
    return uniq


MAX_AGES = ["0", "-1", "1", "10", "60", "3600", "86400", "34560000", "34560001", "34559999",
            "99999999999", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "18446744073709551616", "1e3", "+60", " 60", "60 ", "0060",
            "6 0", "60s", "abc", "", "-0", "--1", "0x3c", "3600.5", ".5", "\"60\"", "٣",
            "-99999999999"]


def gen_dates():
    out = []
    ds = date_strings()
    per = 4
    n = 0
    for k in range(0, len(ds), per):
        n += 1
        h = Hosts("d%05d" % n, "example", n)
        chunk = ds[k:k + per]
        lines = ["e%d=v; Expires=%s; Path=/" % (j, d) for j, d in enumerate(chunk)]
        out.append(simple_case("dates-%05d" % n, "Expires: " + " | ".join(repr(d) for d in chunk), h,
                               url("https", h.base, "/?s"), lines, [url("https", h.base, "/")]))
    # Max-Age, alone and with Expires (Max-Age wins), repeated
    combos = [("m0=v; Max-Age=%s" % m) for m in MAX_AGES]
    combos += [
        "m=v; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=3600",
        "m=v; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        "m=v; Max-Age=0; Expires=Fri, 01 Jan 2027 00:00:00 GMT",
        "m=v; Max-Age=abc; Expires=Fri, 01 Jan 2027 00:00:00 GMT",
        "m=v; Max-Age=60; Max-Age=abc",
        "m=v; Max-Age=60; Max-Age=",
        "m=v; Max-Age=60; Max-Age=120",
        "m=v; Max-Age=120; Max-Age=0",
        "m=v; Expires=Fri, 01 Jan 2027 00:00:00 GMT; Expires=garbage",
        "m=v; Expires=Fri, 01 Jan 2027 00:00:00 GMT; Expires=Sat, 02 Jan 2027 00:00:00 GMT",
        "m=v; Expires=Fri, 01 Jan 2027 00:00:00 GMT; Expires=",
        "m=v; Expires=garbage; Expires=Fri, 01 Jan 2027 00:00:00 GMT",
        "m=v; Max-Age=60; Expires",
        "m=v; max-age=60",
        "m=v; MAX-AGE=60",
        "m=v; Max-Age = 60",
        "m=v; expires=Fri, 01 Jan 2027 00:00:00 GMT",
        "m=v; EXPIRES=Fri, 01 Jan 2027 00:00:00 GMT",
        "m=v; Expires=Fri, 01 Jan 2027 00:00:00 GMT; Max-Age=-1",
    ]
    for k in range(0, len(combos), 2):
        n += 1
        h = Hosts("d%05d" % n, "example", n)
        lines = [l.replace("m0=", "m%d=" % j).replace("m=", "m%d=" % j, 1)
                 for j, l in enumerate(combos[k:k + 2])]
        out.append(simple_case("dates-%05d" % n, "Max-Age / Expires: " + " | ".join(lines), h,
                               url("https", h.base, "/?s"), lines, [url("https", h.base, "/")]))
    # http-state date corpora, as Expires attributes
    import json as _json
    import os as _os
    from gen import ROOT
    for fn in ("examples.json", "bsd-examples.json"):
        with open(_os.path.join(ROOT, "tests", "data", "http_state", "dates", fn)) as f:
            items = [x["test"] for x in _json.load(f)]
        for k in range(0, len(items), per):
            n += 1
            h = Hosts("d%05d" % n, "example", n)
            lines = ["e%d=v; Expires=%s" % (j, d) for j, d in enumerate(items[k:k + per])]
            out.append(simple_case("dates-%05d" % n, "http-state dates/%s: " % fn +
                                   " | ".join(repr(x) for x in items[k:k + per]), h,
                                   url("https", h.base, "/?s"), lines, [url("https", h.base, "/")]))
    return out


# ---------------------------------------------------------------------------
# embedding contexts

SS_COOKIES = [("st", "; SameSite=Strict; Secure"), ("lx", "; SameSite=Lax; Secure"),
              ("no", "; SameSite=None; Secure"), ("un", "; Secure"),
              ("unI", ""), ("noI", "; SameSite=None"), ("lxI", "; SameSite=Lax")]


def ss_lines(prefix, domain=None, extra=""):
    d = "; Domain=" + domain if domain else ""
    return ["%s%s=1; Path=/%s%s%s" % (prefix, n, a, d, extra) for n, a in SS_COOKIES]


class Emb:
    """Hosts of one embedded case: top site A, its subdomain, cross-site B and C."""

    def __init__(self, tag):
        self.a = tag + ".example"
        self.asub = "sub." + tag + ".example"
        self.b = tag + "-b.test"
        self.bsub = "sub." + tag + "-b.test"
        self.c = tag + "-c.test"


def gen_embedded():
    out = []
    n = [0]

    def new(note):
        n[0] += 1
        tag = "e%05d" % n[0]
        return Case("embedded-%05d" % n[0], note), Emb(tag)

    # target kinds: where the probed subresource/frame lives, seen from top A
    def targets(e):
        return [
            ("cross-site B", "https://" + e.a + "/top", "https", e.b),
            ("same-origin A", "https://" + e.a + "/top", "https", e.a),
            ("same-site sub.A", "https://" + e.a + "/top", "https", e.asub),
            ("schemeful cross-site (top http://A, target https://A)", "http://" + e.a + "/top", "https", e.a),
        ]

    templates = [
        "img", "script", "fetch-include", "fetch-same-origin", "fetch-post-include",
        "iframe", "iframe>img", "iframe>fetch", "iframe>iframe(T)>img",
        "iframe(T)>iframe(A)>img(A)", "iframe(A)>img", "iframe(A)>iframe(T)",
        "iframe(B)>img", "form-post", "form-get", "click", "location",
        "iframe(T)>form-post(T)", "iframe(A)>form-post", "iframe>script",
        "iframe(T)>iframe(A)>iframe(T)>fetch",
    ]

    def build(c, e, tname, top, ts, th, setup):
        T = lambda p: "%s://%s%s" % (ts, th, p)
        A = lambda p: "https://%s%s" % (e.a, p)
        Bx = lambda p: "https://%s%s" % (e.b, p)
        setc = ss_lines("x") if setup != "partitioned" else [
            l + "; Partitioned" for l in ss_lines("x")]
        k = [0]

        def u(f, base):
            k[0] += 1
            return f(base + ("?%d" % k[0]))

        def sub(typ, f=T, sc=True):
            uu = u(f, "/" + typ)
            c.route(uu, setc if sc else [], typ=typ)
            return uu

        def frame(ops, f=T, sc=True):
            uu = u(f, "/frame")
            c.route(uu, setc if sc else [], ops=ops)
            return uu

        def page(ops, f=T, sc=True):
            uu = u(f, "/page")
            c.route(uu, setc if sc else [], ops=ops)
            return uu

        ops = []
        t = tname
        if t == "img":
            ops = [{"t": "img", "u": sub("img")}]
        elif t == "script":
            ops = [{"t": "script", "u": sub("script")}]
        elif t == "fetch-include":
            ops = [{"t": "fetch", "u": sub("fetch"), "c": "include"}]
        elif t == "fetch-same-origin":
            ops = [{"t": "fetch", "u": sub("fetch"), "c": "same-origin"}]
        elif t == "fetch-post-include":
            ops = [{"t": "fetch", "u": sub("fetch"), "c": "include", "m": "POST"}]
        elif t == "iframe":
            ops = [{"t": "iframe", "u": frame([])}]
        elif t == "iframe>img":
            ops = [{"t": "iframe", "u": frame([{"t": "img", "u": sub("img")}])}]
        elif t == "iframe>script":
            ops = [{"t": "iframe", "u": frame([{"t": "script", "u": sub("script")}])}]
        elif t == "iframe>fetch":
            ops = [{"t": "iframe", "u": frame([{"t": "fetch", "u": sub("fetch"), "c": "include"}])}]
        elif t == "iframe>iframe(T)>img":
            inner = frame([{"t": "img", "u": sub("img")}])
            ops = [{"t": "iframe", "u": frame([{"t": "iframe", "u": inner}])}]
        elif t == "iframe(T)>iframe(A)>img(A)":
            inner = frame([{"t": "img", "u": sub("img", A, False)}], A, False)
            ops = [{"t": "iframe", "u": frame([{"t": "iframe", "u": inner}])}]
        elif t == "iframe(A)>img":
            ops = [{"t": "iframe", "u": frame([{"t": "img", "u": sub("img")}], A, False)}]
        elif t == "iframe(A)>iframe(T)":
            inner = frame([{"t": "fetch", "u": sub("fetch"), "c": "include"}])
            ops = [{"t": "iframe", "u": frame([{"t": "iframe", "u": inner}], A, False)}]
        elif t == "iframe(B)>img":
            ops = [{"t": "iframe", "u": frame([{"t": "img", "u": sub("img")}], Bx, False)}]
        elif t == "form-post":
            ops = [{"t": "form", "u": page([]), "m": "POST"}]
        elif t == "form-get":
            k[0] += 1
            pg = T("/pageget%d?x=1" % k[0])
            c.route(pg, setc)
            ops = [{"t": "form", "u": pg, "m": "GET"}]
        elif t == "click":
            ops = [{"t": "click", "u": page([])}]
        elif t == "location":
            ops = [{"t": "nav", "u": page([])}]
        elif t == "iframe(T)>form-post(T)":
            ops = [{"t": "iframe", "u": frame([{"t": "form", "u": frame([]), "m": "POST"}])}]
        elif t == "iframe(A)>form-post":
            ops = [{"t": "iframe", "u": frame([{"t": "form", "u": frame([]), "m": "POST"}], A, False)}]
        elif t == "iframe(T)>iframe(A)>iframe(T)>fetch":
            inner2 = frame([{"t": "fetch", "u": sub("fetch"), "c": "include"}])
            inner1 = frame([{"t": "iframe", "u": inner2}], A, False)
            ops = [{"t": "iframe", "u": frame([{"t": "iframe", "u": inner1}])}]
        else:
            raise ValueError(t)
        return ops

    for tname in templates:
        for setup in ("host", "domain", "partitioned"):
            for ti in range(4):
                c, e = new("")
                tn, top, ts, th = targets(e)[ti]
                c.note = ("context %s; target %s; cookies pre-set %s; the target's responses "
                          "set x* cookies%s" % (tname, tn, {"host": "host-only on the target host",
                                                            "domain": "with Domain=<target site>",
                                                            "partitioned": "host-only (x* set Partitioned)"}[setup],
                                                " Partitioned" if setup == "partitioned" else ""))
                # pre-set cookies on the target host by a top-level navigation
                site = th.split(".", 1)[1] if th.startswith("sub.") else th
                setup_url = "https://%s/setup" % th
                lines = ss_lines("p", domain=site if setup == "domain" else None)
                c.page(setup_url, lines)
                c.navigate(setup_url)
                ops = build(c, e, tname, top, ts, th, setup)
                c.page(top, [], ops)
                c.navigate(top)
                # a top-level look at the target afterwards
                check = "https://%s/check" % th
                c.page(check)
                c.navigate(check)
                out.append(c)

    # CHIPS: partitioned cookies set in cross-site frames, read from other tops
    chips_variants = [
        ("Partitioned; Secure; SameSite=None", "B frame sets, read in B frame under A, C, and top-level B"),
        ("Partitioned; Secure", "no SameSite"),
        ("Partitioned", "without Secure"),
        ("Partitioned; Secure; SameSite=Lax", "Lax"),
        ("Partitioned; Secure; SameSite=None; Domain=%(b)s", "Domain attribute"),
        ("Partitioned; Secure; SameSite=None; Path=/", "__Host- name"),
        ("Partitioned; Secure; SameSite=None; HttpOnly", "HttpOnly"),
        ("Secure; SameSite=None", "unpartitioned, for comparison"),
    ]
    for vi, (attrs, vnote) in enumerate(chips_variants):
        for shape in ("A>B", "A>B>A", "A>A'>B", "A>B>B'", "top-level B"):
            c, e = new("")
            c.note = "CHIPS: cookie '%s' set by %s (%s); read from the same and other top sites" % (
                attrs % {"b": e.b}, shape, vnote)
            name = "__Host-ck" if "__Host-" in vnote else "ck"
            line = "%s=1; Path=/; %s" % (name, attrs % {"b": e.b})
            seq = [0]

            def U(h, p):
                seq[0] += 1
                return "https://%s%s?%d" % (h, p, seq[0])

            def reader_frame(h):
                """A frame on h that fetches from h (shows what h sees there)."""
                f = U(h, "/rframe")
                ff = U(h, "/rfetch")
                c.route(ff, typ="fetch")
                c.route(f, ops=[{"t": "fetch", "u": ff, "c": "include"}])
                return f

            if shape == "top-level B":
                s = U(e.b, "/set")
                c.page(s, [line])
                c.navigate(s)
            else:
                setter = U(e.b if shape != "A>B>B'" else e.bsub, "/setframe")
                c.route(setter, [line], ops=[])
                if shape == "A>B":
                    top_ops = [{"t": "iframe", "u": setter}]
                elif shape == "A>B>A":
                    # the partitioned cookie is set by an A frame inside a B frame
                    setter_a = U(e.a, "/setframe-a")
                    c.route(setter_a, [line.replace(name + "=", name + "A=")])
                    mid = U(e.b, "/mid")
                    c.route(mid, [line], ops=[{"t": "iframe", "u": setter_a}])
                    top_ops = [{"t": "iframe", "u": mid}]
                elif shape == "A>A'>B":
                    mid = U(e.asub, "/mid")
                    c.route(mid, ops=[{"t": "iframe", "u": setter}])
                    top_ops = [{"t": "iframe", "u": mid}]
                else:  # A > B > sub.B
                    mid = U(e.b, "/mid")
                    c.route(mid, ops=[{"t": "iframe", "u": setter}])
                    top_ops = [{"t": "iframe", "u": mid}]
                top = U(e.a, "/top")
                c.page(top, ops=top_ops)
                c.navigate(top)
            # read: B frame under A again, under C, B top-level, A frame under B
            for toph in (e.a, e.c):
                top = U(toph, "/top")
                c.page(top, ops=[{"t": "iframe", "u": reader_frame(e.b)}])
                c.navigate(top)
            chk = U(e.b, "/check")
            c.page(chk)
            c.navigate(chk)
            topb = U(e.b, "/top")
            c.page(topb, ops=[{"t": "iframe", "u": reader_frame(e.a)}])
            c.navigate(topb)
            chka = U(e.a, "/check")
            c.page(chka)
            c.navigate(chka)
            out.append(c)

    # document.cookie inside frames (script-set cookies in each context)
    for where in ("B frame in A", "A frame in B frame in A", "same-site frame", "top-level"):
        for attrs in ("; Secure; SameSite=None", "; Secure; SameSite=None; Partitioned", "",
                      "; SameSite=Lax", "; Secure; SameSite=Strict"):
            c, e = new("")
            c.note = "document.cookie 'js=1%s' written by %s" % (attrs, where)
            op = {"t": "setcookie", "v": "js=1; Path=/" + attrs}
            if where == "top-level":
                top = "https://%s/top" % e.a
                c.page(top, ops=[op])
                c.navigate(top)
                h = e.a
            else:
                if where == "B frame in A":
                    h = e.b
                    f = "https://%s/frame" % h
                    c.route(f, ops=[op])
                elif where == "same-site frame":
                    h = e.asub
                    f = "https://%s/frame" % h
                    c.route(f, ops=[op])
                else:
                    h = e.a
                    inner = "https://%s/frame" % e.a
                    c.route(inner, ops=[op])
                    f = "https://%s/mid" % e.b
                    c.route(f, ops=[{"t": "iframe", "u": inner}])
                top = "https://%s/top" % e.a
                c.page(top, ops=[{"t": "iframe", "u": f}])
                c.navigate(top)
            chk = "https://%s/check" % h
            c.page(chk)
            c.navigate(chk)
            out.append(c)

    # cross-site top-level POST shortly after an unspecified-SameSite cookie
    # was set (Chromium's "Lax allowing unsafe"), and for comparison GET
    for method in ("POST", "GET"):
        for attrs in ("", "; Secure", "; SameSite=Lax; Secure", "; SameSite=None; Secure"):
            for frm in ("top", "frame"):
                c, e = new("")
                c.note = ("cookie 'u=1%s' set on B by a top-level navigation, then a cross-site %s "
                          "form from A (%s) to B within seconds" % (attrs, method, frm))
                s = "https://%s/set" % e.b
                c.page(s, ["u=1; Path=/" + attrs])
                c.navigate(s)
                tgt = "https://%s/target" % e.b + ("?x=1" if method == "GET" else "")
                c.route(tgt, ops=[])
                form = {"t": "form", "u": tgt, "m": method}
                top = "https://%s/top" % e.a
                if frm == "top":
                    c.page(top, ops=[form])
                else:
                    f = "https://%s/frame" % e.a
                    c.route(f, ops=[dict(form, target="_top")])
                    c.page(top, ops=[{"t": "iframe", "u": f}])
                c.navigate(top)
                out.append(c)
    return out


# ---------------------------------------------------------------------------
# redirects

def gen_redirects():
    out = []
    n = [0]
    codes = [301, 302, 303, 307, 308]
    # chains of hops, as site labels: A (top site), S (sub.A), B (cross-site)
    chains = ["A>B>A", "A>S>B", "B>A", "A>B", "A>B>B>A", "A>A"]
    initiators = ["typed", "click", "location", "form-post", "form-get", "img", "fetch", "iframe"]
    for chain in chains:
        for code in codes:
            for how in initiators:
                n[0] += 1
                tag = "r%05d" % n[0]
                hosts = {"A": tag + ".example", "S": "sub." + tag + ".example", "B": tag + "-b.test"}
                c = Case("redirects-%05d" % n[0], "%s %s through %s, each hop %d, hops set h<i>* cookies"
                         % (how, "navigation" if how in ("typed", "click", "location", "form-post",
                                                         "form-get") else "request", chain, code))
                # pre-set SameSite variants on A and B (and on sub.A via Domain)
                for site in ("A", "B"):
                    s = "https://%s/setup" % hosts[site]
                    c.page(s, ["%s_%s" % (site, l) for l in ss_lines("", domain=hosts[site])])
                    c.navigate(s)
                labels = chain.split(">")
                typ = {"img": "img", "fetch": "fetch"}.get(how, "html")
                hops = []
                for i, lab in enumerate(labels):
                    p = "/hop%d" % i
                    if i == 0 and how == "form-get":
                        p += "?x=1"   # a GET form replaces the query with its data
                    hops.append("https://%s%s" % (hosts[lab], p))
                for i, hu in enumerate(hops):
                    sc = ["h%d%s=1; Path=/%s" % (i, nm, a) for nm, a in SS_COOKIES[:4]]
                    if i < len(hops) - 1:
                        c.route(hu, sc, status=code, location=hops[i + 1])
                    else:
                        c.route(hu, sc, typ=typ)
                first = hops[0]
                if how == "typed":
                    c.navigate(first)
                else:
                    top = "https://%s/top" % hosts["A"]
                    if how == "img":
                        ops = [{"t": "img", "u": first}]
                    elif how == "fetch":
                        ops = [{"t": "fetch", "u": first, "c": "include"}]
                    elif how == "iframe":
                        ops = [{"t": "iframe", "u": first}]
                    elif how == "click":
                        ops = [{"t": "click", "u": first}]
                    elif how == "location":
                        ops = [{"t": "nav", "u": first}]
                    elif how == "form-post":
                        ops = [{"t": "form", "u": first, "m": "POST"}]
                    else:
                        ops = [{"t": "form", "u": first, "m": "GET"}]
                    c.page(top, ops=ops)
                    c.navigate(top)
                for site in ("A", "B"):
                    chk = "https://%s/check" % hosts[site]
                    c.page(chk)
                    c.navigate(chk)
                out.append(c)
    # http -> https and https -> http hops of the same host (schemeful)
    for code in codes:
        for chain in ("http>https", "https>http>https", "https>http"):
            n[0] += 1
            tag = "r%05d" % n[0]
            h = tag + ".example"
            c = Case("redirects-%05d" % n[0], "typed navigation %s on one host, %d" % (chain, code))
            s = "https://%s/setup" % h
            c.page(s, ss_lines(""))
            c.navigate(s)
            sch = chain.split(">")
            hops = ["%s://%s/hop%d" % (x, h, i) for i, x in enumerate(sch)]
            for i, hu in enumerate(hops):
                sc = ["h%d%s=1; Path=/%s" % (i, nm, a) for nm, a in SS_COOKIES]
                if i < len(hops) - 1:
                    c.route(hu, sc, status=code, location=hops[i + 1])
                else:
                    c.route(hu, sc)
            c.navigate(hops[0])
            chk = "https://%s/check" % h
            c.page(chk)
            c.navigate(chk)
            out.append(c)
    return out


# ---------------------------------------------------------------------------
# limits / eviction

def gen_limits():
    out = []
    n = [0]

    def new(note):
        n[0] += 1
        return Case("limits-%05d" % n[0], note), "l%05d" % n[0]

    def batches(c, host, lines, size, tag="s"):
        for k in range(0, len(lines), size):
            u = "https://%s/%s%d" % (host, tag, k // size)
            c.page(u, lines[k:k + size])
            c.navigate(u)

    def check(c, host, paths=("/",)):
        for i, p in enumerate(paths):
            u = "https://%s%s?check%d" % (host, p, i)
            c.page(u)
            c.navigate(u)

    for total in (150, 180, 181, 200, 250):
        for per in (total, 50):
            c, t = new("%d cookies on one host in responses of %d, all Medium non-secure" % (total, per))
            h = t + ".example"
            batches(c, h, ["k%03d=v" % i for i in range(total)], per)
            check(c, h)
            out.append(c)
    # priorities and Secure (Chromium's purge order)
    r = rng(6265500)
    for variant in range(6):
        c, t = new("")
        h = t + ".example"
        lines = []
        desc = []
        for i in range(200):
            pr = r.choice(["Low", "Medium", "High", None])
            sec = r.random() < 0.5
            lines.append("k%03d=v; Path=/%s%s" % (i, "; Priority=" + pr if pr else "",
                                                  "; Secure" if sec else ""))
        c.note = "200 cookies, random Priority (Low/Medium/High/none) and Secure, variant %d" % variant
        batches(c, h, lines, [200, 50, 20, 100, 10, 40][variant])
        check(c, h)
        out.append(c)
    for pr in ("Low", "High"):
        for sec_first in (True, False):
            c, t = new("")
            h = t + ".example"
            a = ["s%03d=v; Secure; Priority=%s" % (i, pr) for i in range(100)]
            b = ["n%03d=v; Priority=%s" % (i, pr) for i in range(100)]
            lines = (a + b) if sec_first else (b + a)
            c.note = "100 Secure and 100 non-secure cookies, Priority=%s, %s first" % (
                pr, "Secure" if sec_first else "non-secure")
            batches(c, h, lines, 50)
            check(c, h)
            out.append(c)
    # access order: cookies read before the purge are "recently accessed"
    for path_read in ("/a", "/b"):
        c, t = new("")
        h = t + ".example"
        c.note = ("90 cookies Path=/a then 90 Path=/b, a read of %s, then 20 more "
                  "(least recently accessed go first)" % path_read)
        batches(c, h, ["a%03d=v; Path=/a" % i for i in range(90)], 90, "sa")
        batches(c, h, ["b%03d=v; Path=/b" % i for i in range(90)], 90, "sb")
        check(c, h, (path_read,))
        batches(c, h, ["c%03d=v; Path=/" % i for i in range(20)], 20, "sc")
        check(c, h, ("/", "/a", "/b"))
        out.append(c)
    # per site (registrable domain) across subdomains, host-only and Domain cookies
    for mode in ("host-only", "domain"):
        c, t = new("")
        base = t + ".example"
        c.note = "100 cookies on sub1 and 100 on sub2 of one site (%s)" % mode
        for sub in ("sub1", "sub2"):
            h = sub + "." + base
            d = "; Domain=" + base if mode == "domain" else ""
            batches(c, h, ["%s%03d=v%s" % (sub, i, d) for i in range(100)], 50, sub)
        check(c, "sub1." + base)
        check(c, "sub2." + base)
        out.append(c)
    # overwrites: creation order kept or moved
    c, t = new("overwrites in 180 cookies: k000 rewritten with the same value, k001 with a new one, then 10 more")
    h = t + ".example"
    batches(c, h, ["k%03d=v" % i for i in range(180)], 90)
    batches(c, h, ["k000=v", "k001=changed"], 2, "o")
    batches(c, h, ["z%03d=v" % i for i in range(10)], 10, "z")
    check(c, h)
    out.append(c)
    # partitioned cookies per partition (CHIPS limits)
    for count in (100, 181):
        c, t = new("%d partitioned cookies (16-byte values) set by a cross-site frame" % count)
        a = t + ".example"
        b = t + "-b.test"
        f = "https://%s/frame" % b
        c.route(f, ["p%03d=%s; Secure; SameSite=None; Partitioned; Path=/" % (i, "v" * 16)
                    for i in range(count)])
        top = "https://%s/top" % a
        ff = "https://%s/read" % b
        c.route(ff, typ="fetch")
        c.route(f + "2", ops=[{"t": "fetch", "u": ff, "c": "include"}])
        c.page(top, ops=[{"t": "iframe", "u": f}, {"t": "iframe", "u": f + "2"}])
        c.navigate(top)
        out.append(c)
    # partitioned bytes limit: 10 KiB of name+value per partition
    c, t = new("30 partitioned cookies of 500-byte values from a cross-site frame (10 KiB partition limit)")
    a = t + ".example"
    b = t + "-b.test"
    f = "https://%s/frame" % b
    c.route(f, ["p%03d=%s; Secure; SameSite=None; Partitioned; Path=/" % (i, "v" * 500)
                for i in range(30)])
    top = "https://%s/top" % a
    c.page(top, ops=[{"t": "iframe", "u": f}])
    c.navigate(top)
    out.append(c)
    # global limit: 3300 / 3000
    c, t = new("22 sites x 160 cookies (3520 in all): global limit")
    for s in range(22):
        h = "s%02d.%s.example" % (s, t) if False else "%s-s%02d.example" % (t, s)
        batches(c, h, ["g%03d=v" % i for i in range(160)], 160)
    check(c, "%s-s00.example" % t)
    check(c, "%s-s21.example" % t)
    out.append(c)
    return out
