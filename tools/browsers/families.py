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
    return out
