"""A recording case: the server's route table, the automation's actions and
the requests the case plans (worked out from both, so that every logged
request can be labelled with its kind, initiator, frame chain and redirect
chain)."""
import urllib.parse


def origin_of(url):
    p = urllib.parse.urlsplit(url)
    return "%s://%s" % (p.scheme, p.netloc)


def host_of(url):
    return urllib.parse.urlsplit(url).hostname


def norm(url):
    """The URL as a browser sends it: scheme and host in lower case."""
    p = urllib.parse.urlsplit(url)
    netloc = p.netloc.lower()
    return urllib.parse.urlunsplit((p.scheme.lower(), netloc, p.path, p.query, p.fragment))


def as_bytes(line):
    return line if isinstance(line, bytes) else line.encode("utf-8")


class Case:
    def __init__(self, cid, note):
        self.id = cid
        self.note = note
        self.routes = {}
        self.actions = []   # each: {"navigate": url}
        self.hosts = set()
        self.settle = 0.0   # seconds to wait after each action

    # -- building -------------------------------------------------------
    def route(self, url, set_cookie=(), ops=(), status=200, location=None, typ="html"):
        url = norm(url)
        assert url not in self.routes, (self.id, url)
        self.routes[url] = {
            "status": status, "location": location, "type": typ,
            "ops": list(ops), "set_cookie_raw": [as_bytes(s) for s in set_cookie],
        }
        self.hosts.add(host_of(url))
        if location:
            self.hosts.add(host_of(urllib.parse.urljoin(url, location)))
        return url

    def page(self, url, set_cookie=(), ops=()):
        return self.route(url, set_cookie, ops)

    def redirect(self, url, to, status=302, set_cookie=()):
        return self.route(url, set_cookie, status=status, location=to)

    def navigate(self, url):
        url = norm(url)
        self.actions.append({"navigate": url})
        self.hosts.add(host_of(url))

    # -- planning -------------------------------------------------------
    def plan(self):
        """Expected requests, in order, each tagged with its action index;
        and for each action the URL of the final top-level document."""
        out = []
        finals = []
        for ai, act in enumerate(self.actions):
            url = act["navigate"]
            self._top_override = None
            top = self._request(out, ai, url, "GET", "navigation", True, None, [], None)
            finals.append(self._top_override or top)
        return out, finals

    def _request(self, out, ai, url, method, kind, browser_initiated, initiator,
                 ancestors, top_url):
        """Follows one request (and its redirects). Returns the final URL for
        document requests; runs the resulting document's ops."""
        chain = []
        url = norm(url)
        while True:
            is_nav = kind in ("navigation", "form") and not ancestors
            out.append({
                "action": ai, "url": url, "method": method, "kind": kind,
                "browser_initiated": browser_initiated, "initiator": initiator,
                "top_level_url": url if is_nav else top_url,
                "ancestors": list(ancestors), "redirect_chain": list(chain),
            })
            r = self.routes.get(url)
            if r is None or r["status"] not in (301, 302, 303, 307, 308) or not r["location"]:
                break
            chain.append(url)
            nxt = norm(urllib.parse.urljoin(url, r["location"]))
            if r["status"] == 303 and method != "HEAD":
                method = "GET"
            elif r["status"] in (301, 302) and method == "POST":
                method = "GET"
            url = nxt
        if kind in ("navigation", "form", "iframe") and url in self.routes:
            is_top = kind in ("navigation", "form") and not ancestors
            doc_top = url if is_top else top_url
            newtop = self._run_doc(out, ai, url, doc_top, list(ancestors) + [url])
            if is_top and newtop:
                return newtop
        return url

    def _run_doc(self, out, ai, url, top_url, chain):
        """chain: frame chain from the top document down to this document."""
        r = self.routes[url]
        ini = origin_of(url)
        for op in r["ops"]:
            t = op["t"]
            u = op.get("u")
            if t in ("img", "script", "fetch"):
                self._request(out, ai, u, op.get("m", "GET"), t, False, ini, chain, top_url)
            elif t == "iframe":
                self._request(out, ai, u, "GET", "iframe", False, ini, chain, top_url)
            elif t in ("form", "nav", "click"):
                kind = "form" if t == "form" else ("navigation" if len(chain) == 1 else "iframe")
                method = op.get("m", "POST") if t == "form" else "GET"
                above = chain[:-1]
                if op.get("target") == "_top":
                    self._top_override = self._request(out, ai, u, method, kind, False, ini, [], None)
                    return None
                res = self._request(out, ai, u, method, kind, False, ini, above,
                                    top_url if above else None)
                return res if not above else None
        return None
