"""Deterministic case generators (fixed seeds): the same cases on every run."""
import json
import os
import random
import re

from case import Case

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

FAMILIES = ["parse", "dates", "embedded", "redirects", "limits"]
FIREFOX_NO_FISSION = {"parse", "dates"}
FAKE_CLOCK = {"parse", "dates", "embedded", "redirects", "limits"}


def cases(family):
    import families
    return getattr(families, "gen_" + family)()


# ---------------------------------------------------------------------------
# host names

def idna(label):
    return label.encode("idna").decode()


class Hosts:
    """The host names of one case (all unique to the case)."""

    def __init__(self, c, kind, n=0):
        self.kind = kind
        if kind == "example":
            self.base = c + ".example"
        elif kind == "test":
            self.base = c + ".test"
        elif kind == "co.uk":
            self.base = c + ".co.uk"
        elif kind == "github.io":
            self.base = c + ".github.io"
        elif kind == "idn":
            self.base = idna(c + "-bücher") + ".example"
            self.base_unicode = c + "-bücher.example"
        elif kind == "ip":
            self.base = "127.0.0.%d" % (2 + n % 30)
        else:
            raise ValueError(kind)
        self.is_ip = kind == "ip"
        self.sub = self.base if self.is_ip else "sub." + self.base
        self.deep = self.base if self.is_ip else "a.sub." + self.base
        self.other = c + "-other.test"
        self.sibling = self.base if self.is_ip else "sib." + self.base
        self.suffix = {"example": "example", "test": "test", "co.uk": "co.uk",
                       "github.io": "github.io", "idn": "example", "ip": None}[kind]


def url(scheme, host, path):
    return "%s://%s%s" % (scheme, host, path)


# ---------------------------------------------------------------------------
# http-state corpus

def corpus():
    with open(os.path.join(ROOT, "tests", "data", "http_state", "parser.json")) as f:
        return json.load(f)


def map_corpus_line(line, base):
    line = re.sub(r"(?i)example\.org", base, line)
    line = re.sub(r"(?i)(domain\s*=\s*\.?)org\b", r"\1example", line)
    return line


def rng(seed):
    return random.Random(seed)
