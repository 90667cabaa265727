#!/usr/bin/env python3
"""
Labelled synthetic corpus for measuring keytrail's detection quality.

Writes weeks of API access logs (JSON lines, gzip, one file per UTC day) in which every key has
a scenario and a label: benign keys used by humans, services, CI systems and browsers, with the
drift real keys show (travel, a new office, growth, rotation, a new laptop, error bursts, DST
shifts), and misused keys, where a thief starts using the key at a known instant after at least
14 days of normal use. It also writes the labels (labels.tsv: key id, family, scenario, label,
misuse start; never a token), the networks of the invented world for `keytrail mkgeo`
(networks.csv) and a manifest with sizes and counts.

How it works:
  - The world is fixed: ~23 cities in 15 countries, each with residential ISPs, a business ISP
    and a mobile carrier, plus two cloud providers with regions in many countries and five VPS
    hosters. Every (operator, city) pair owns a block of private address space (10.0.0.0/8,
    mobile carriers in 100.64.0.0/10). The last quarter of every block is the attacker pool:
    only thieves ever use those addresses, and benign traffic always comes from the rest, which
    makes "who sent this event" checkable while giving thieves the same operators (and ASNs)
    as benign users.
  - Each key gets a plan up front from its own random stream (seed, key index): owner
    behaviour (Human, Service, CI, Public: places, devices, rates, time zone, drift) and, for
    misuse, a precomputed list of attacker events whose first one is the label's misuse_start.
  - Owner traffic is an inhomogeneous Poisson process evaluated per UTC hour of every day from
    a random stream keyed by (seed, key, day), so output is deterministic for a seed and memory
    stays at one day of events. Daily rhythms follow each owner's local time with real DST
    rules (EU ends 2026-10-25, US 2026-11-01). Day-level choices (working late, weekend work)
    come from a stable hash, so they do not depend on generation order.
  - Each day's events of all keys are sorted by time and written as one gzip file (mtime 0, so
    the same seed gives byte-identical files).

`--self-check` generates small corpora into a temporary directory, reads them back and checks
the invariants (see self_check()). Python 3 standard library only.
"""

import argparse
import bisect
import calendar
import gzip
import hashlib
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import zlib

H_MS = 3600 * 1000
D_MS = 24 * H_MS
MIN_MS = 60 * 1000
DEFAULT_START = "2026-10-05"
DEFAULT_DAYS = 45
MIN_BASELINE_DAYS = 14      # misuse starts only after this much normal use
DORMANT_GAP_DAYS = 30       # a dormant key is silent this long before it is revived
ATTACKER_SHARE = 4          # the last 1/ATTACKER_SHARE of every block is the attacker pool

# ---------------------------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------------------------

# id, city, country, latitude, longitude, standard UTC offset (minutes), DST rule
CITIES = [
    ("ber", "Berlin", "DE", 52.5200, 13.4050, 60, "EU"),
    ("fra", "Frankfurt am Main", "DE", 50.1109, 8.6821, 60, "EU"),
    ("muc", "Munich", "DE", 48.1351, 11.5820, 60, "EU"),
    ("lon", "London", "GB", 51.5072, -0.1276, 0, "EU"),
    ("man", "Manchester", "GB", 53.4808, -2.2426, 0, "EU"),
    ("dub", "Dublin", "IE", 53.3498, -6.2603, 0, "EU"),
    ("par", "Paris", "FR", 48.8566, 2.3522, 60, "EU"),
    ("ams", "Amsterdam", "NL", 52.3676, 4.9041, 60, "EU"),
    ("waw", "Warsaw", "PL", 52.2297, 21.0122, 60, "EU"),
    ("buh", "Bucharest", "RO", 44.4268, 26.1025, 120, "EU"),
    ("nyc", "New York", "US", 40.7128, -74.0060, -300, "US"),
    ("iad", "Ashburn", "US", 39.0438, -77.4874, -300, "US"),
    ("chi", "Chicago", "US", 41.8781, -87.6298, -360, "US"),
    ("sfo", "San Francisco", "US", 37.7749, -122.4194, -480, "US"),
    ("sea", "Seattle", "US", 47.6062, -122.3321, -480, "US"),
    ("yto", "Toronto", "CA", 43.6532, -79.3832, -300, "US"),
    ("sao", "São Paulo", "BR", -23.5505, -46.6333, -180, None),
    ("bom", "Mumbai", "IN", 19.0760, 72.8777, 330, None),
    ("blr", "Bengaluru", "IN", 12.9716, 77.5946, 330, None),
    ("sin", "Singapore", "SG", 1.3521, 103.8198, 480, None),
    ("tyo", "Tokyo", "JP", 35.6762, 139.6503, 540, None),
    ("syd", "Sydney", "AU", -33.8688, 151.2093, 600, "AU"),
    ("jnb", "Johannesburg", "ZA", -26.2041, 28.0473, 120, None),
]

COUNTRY_NAMES = {
    "DE": "Germany", "GB": "United Kingdom", "IE": "Ireland", "FR": "France",
    "NL": "Netherlands", "PL": "Poland", "RO": "Romania", "US": "United States",
    "CA": "Canada", "BR": "Brazil", "IN": "India", "SG": "Singapore", "JP": "Japan",
    "AU": "Australia", "ZA": "South Africa",
}

# Where people who own keys live (weights by home city).
HOME_WEIGHTS = {
    "ber": 5, "fra": 3, "muc": 4, "lon": 7, "man": 2, "dub": 2, "par": 5, "ams": 4, "waw": 3,
    "buh": 2, "nyc": 8, "iad": 2, "chi": 5, "sfo": 8, "sea": 5, "yto": 4, "sao": 4, "bom": 4,
    "blr": 5, "sin": 3, "tyo": 4, "syd": 4, "jnb": 2,
}

# kind, ASN, organisation, cities. ASNs are from the private range (64512-65534).
OPERATORS = [
    ("residential", 64600, "Example Kabel Deutschland", ["ber", "fra", "muc"]),
    ("residential", 64601, "Example Glasfaser Home DE", ["ber", "fra", "muc"]),
    ("residential", 64602, "Example Broadband UK", ["lon", "man"]),
    ("residential", 64603, "Example Fibre Home UK", ["lon", "man"]),
    ("residential", 64604, "Example Home Ireland", ["dub"]),
    ("residential", 64605, "Example Broadband Ireland", ["dub"]),
    ("residential", 64606, "Example Box France", ["par"]),
    ("residential", 64607, "Example Fibre France", ["par"]),
    ("residential", 64608, "Example Kabel Nederland", ["ams"]),
    ("residential", 64609, "Example Glasvezel Thuis NL", ["ams"]),
    ("residential", 64610, "Example Net Polska", ["waw"]),
    ("residential", 64611, "Example Fibre Polska", ["waw"]),
    ("residential", 64612, "Example Home Romania", ["buh"]),
    ("residential", 64613, "Example Fibra Romania", ["buh"]),
    ("residential", 64614, "Example Cable US", ["nyc", "iad", "chi", "sfo", "sea"]),
    ("residential", 64615, "Example Fiber US", ["nyc", "iad", "chi", "sfo", "sea"]),
    ("residential", 64616, "Example Home Canada", ["yto"]),
    ("residential", 64617, "Example Cable Canada", ["yto"]),
    ("residential", 64618, "Example Telecom Brasil", ["sao"]),
    ("residential", 64619, "Example Fibra Brasil", ["sao"]),
    ("residential", 64620, "Example Broadband India", ["bom", "blr"]),
    ("residential", 64621, "Example Fiber India", ["bom", "blr"]),
    ("residential", 64622, "Example Home Singapore", ["sin"]),
    ("residential", 64623, "Example Fibre Singapore", ["sin"]),
    ("residential", 64624, "Example Hikari Japan", ["tyo"]),
    ("residential", 64625, "Example Cable Japan", ["tyo"]),
    ("residential", 64626, "Example Broadband Australia", ["syd"]),
    ("residential", 64627, "Example NBN Home Australia", ["syd"]),
    ("residential", 64628, "Example Connect Africa", ["jnb"]),
    ("residential", 64629, "Example Fibre South Africa", ["jnb"]),
    ("business", 64640, "Example Business Fiber DE", ["ber", "fra", "muc"]),
    ("business", 64641, "Example Business UK", ["lon", "man"]),
    ("business", 64642, "Example Business Europe", ["dub", "par", "ams", "waw", "buh"]),
    ("business", 64643, "Example Business US", ["nyc", "iad", "chi", "sfo", "sea"]),
    ("business", 64644, "Example Business Canada", ["yto"]),
    ("business", 64645, "Example Business LatAm", ["sao"]),
    ("business", 64646, "Example Business APAC", ["bom", "blr", "sin", "tyo", "syd"]),
    ("business", 64647, "Example Business Africa", ["jnb"]),
    ("mobile", 64660, "Example Mobile DE", ["ber", "fra", "muc"]),
    ("mobile", 64661, "Example Mobile UK", ["lon", "man"]),
    ("mobile", 64662, "Example Mobile Europe", ["dub", "par", "ams", "waw", "buh"]),
    ("mobile", 64663, "Example Wireless US", ["nyc", "iad", "chi", "sfo", "sea"]),
    ("mobile", 64664, "Example Mobile Canada", ["yto"]),
    ("mobile", 64665, "Example Mobile Brasil", ["sao"]),
    ("mobile", 64666, "Example Mobile India", ["bom", "blr"]),
    ("mobile", 64667, "Example Mobile APAC", ["sin", "syd"]),
    ("mobile", 64668, "Example Mobile Japan", ["tyo"]),
    ("mobile", 64669, "Example Mobile Africa", ["jnb"]),
    ("cloud", 64700, "Example Cloud Inc.",
     ["iad", "sea", "fra", "dub", "sin", "tyo", "sao", "bom", "yto", "syd"]),
    ("cloud", 64701, "Example Compute Corp.",
     ["chi", "sfo", "ams", "lon", "waw", "tyo", "syd", "bom"]),
    ("vps", 64750, "Example VPS Hosting SRL", ["buh", "ams"]),
    ("vps", 64751, "Example Root Server GmbH", ["fra", "ber"]),
    ("vps", 64752, "Example Droplets LLC",
     ["nyc", "sfo", "ams", "sin", "lon", "blr", "fra", "syd", "yto"]),
    ("vps", 64753, "Example Virtual Servers Ltd", ["lon", "jnb", "sao", "tyo", "waw"]),
    ("vps", 64754, "Example Budget Hosting Inc", ["chi", "iad", "sea"]),
]

# Block size (prefix length) per operator kind.
KIND_PREFIX = {"residential": 18, "business": 20, "mobile": 18, "cloud": 18, "vps": 22}
# Address plans: (first, end) of the space fixed-line operators and mobile carriers come from.
# "private" (default): 10.0.0.0/8 and the carrier-grade NAT range 100.64.0.0/10. "reserved":
# 240.0.0.0/8 and 241.0.0.0/8 of the reserved class E, for a scan that treats private ranges
# as internal; neither belongs to any organisation.
SPACES = {
    "private": {"fixed": (10 << 24, 11 << 24),
                "mobile": ((100 << 24) | (64 << 16), (100 << 24) | (128 << 16))},
    "reserved": {"fixed": (240 << 24, 241 << 24), "mobile": (241 << 24, 242 << 24)},
}


def ip_str(n):
    return "%d.%d.%d.%d" % (n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255)


def ip_int(s):
    a, b, c, d = (int(x) for x in s.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


class Block:
    """One operator's presence in one city: a CIDR block whose last quarter is for thieves."""

    __slots__ = ("op", "city", "base", "size", "benign_size")

    def __init__(self, op, city, base, prefix):
        self.op = op
        self.city = city
        self.base = base
        self.size = 1 << (32 - prefix)
        self.benign_size = self.size - self.size // ATTACKER_SHARE

    def _host(self, n):
        """Avoids .0 and .255 so no address looks like a network or broadcast address."""
        last = n & 255
        if last == 0:
            n += 1
        elif last == 255:
            n -= 1
        return n

    def benign_addr(self, rng):
        return ip_str(self._host(self.base + rng.randrange(self.benign_size)))

    def attacker_addr(self, rng):
        return ip_str(self._host(self.base + self.benign_size +
                                 rng.randrange(self.size - self.benign_size)))

    def is_attacker(self, n):
        return n >= self.base + self.benign_size

    def cidr(self):
        return "%s/%d" % (ip_str(self.base), 32 - (self.size.bit_length() - 1))


class Operator:
    __slots__ = ("kind", "asn", "org", "cities", "blocks")

    def __init__(self, kind, asn, org, cities):
        self.kind = kind
        self.asn = asn
        self.org = org
        self.cities = cities
        self.blocks = {}


class City:
    __slots__ = ("id", "name", "cc", "lat", "lon", "std_off", "dst")

    def __init__(self, cid, name, cc, lat, lon, std_off, dst):
        self.id = cid
        self.name = name
        self.cc = cc
        self.lat = lat
        self.lon = lon
        self.std_off = std_off
        self.dst = dst


class World:
    """The fixed invented world: cities, operators and their address blocks."""

    def __init__(self, space="private"):
        self.cities = {c[0]: City(*c) for c in CITIES}
        self.ops = [Operator(*o) for o in OPERATORS]
        self.blocks = []
        cursor = {k: v[0] for k, v in SPACES[space].items()}
        limit = {k: v[1] for k, v in SPACES[space].items()}
        for op in self.ops:
            prefix = KIND_PREFIX[op.kind]
            space = "mobile" if op.kind == "mobile" else "fixed"
            size = 1 << (32 - prefix)
            for cid in op.cities:
                base = (cursor[space] + size - 1) // size * size
                cursor[space] = base + size
                if cursor[space] > limit[space]:
                    raise RuntimeError("address space exhausted")
                blk = Block(op, self.cities[cid], base, prefix)
                op.blocks[cid] = blk
                self.blocks.append(blk)
        self.blocks.sort(key=lambda b: b.base)
        self._bases = [b.base for b in self.blocks]
        self._ops_cache = {}

    def ops_of(self, kind, city=None):
        key = (kind, city)
        hit = self._ops_cache.get(key)
        if hit is None:
            hit = [op for op in self.ops
                   if op.kind == kind and (city is None or city in op.blocks)]
            self._ops_cache[key] = hit
        return hit

    def block_of(self, ip):
        """The block holding the dotted-quad ip, or None."""
        n = ip_int(ip)
        i = bisect.bisect_right(self._bases, n) - 1
        if i >= 0 and n < self.blocks[i].base + self.blocks[i].size:
            return self.blocks[i]
        return None

    def csv_text(self):
        rows = ["network,country_iso_code,country_name,city,latitude,longitude,asn,as_org"]
        for b in self.blocks:
            c = b.city
            rows.append("%s,%s,%s,%s,%.4f,%.4f,%d,%s" % (
                b.cidr(), c.cc, COUNTRY_NAMES[c.cc], c.name, c.lat, c.lon, b.op.asn, b.op.org))
        return "\n".join(rows) + "\n"


def distance_km(a, b):
    """Great-circle distance between two cities."""
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (math.sin((la2 - la1) / 2) ** 2 +
         math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


# ---------------------------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------------------------

def day_ms(datestr):
    y, m, d = (int(x) for x in datestr.split("-"))
    return calendar.timegm((y, m, d, 0, 0, 0)) * 1000


def _nth_sunday(y, m, n):
    """Day of month of the n-th Sunday (n = -1: the last)."""
    days = calendar.monthrange(y, m)[1]
    sundays = [d for d in range(1, days + 1) if calendar.weekday(y, m, d) == 6]
    return sundays[n - 1] if n > 0 else sundays[n]


_DST_CACHE = {}


def _dst_bounds(rule, std_off, y):
    """(start_ms, end_ms) in UTC of daylight time in year y; for AU the period wraps the year."""
    key = (rule, std_off, y)
    hit = _DST_CACHE.get(key)
    if hit is not None:
        return hit
    off = std_off * MIN_MS
    if rule == "EU":   # last Sunday of March and of October, 01:00 UTC
        s = calendar.timegm((y, 3, _nth_sunday(y, 3, -1), 1, 0, 0)) * 1000
        e = calendar.timegm((y, 10, _nth_sunday(y, 10, -1), 1, 0, 0)) * 1000
    elif rule == "US":  # second Sunday of March 02:00 local standard, first Sunday of Nov 02:00 DST
        s = calendar.timegm((y, 3, _nth_sunday(y, 3, 2), 2, 0, 0)) * 1000 - off
        e = calendar.timegm((y, 11, _nth_sunday(y, 11, 1), 2, 0, 0)) * 1000 - off - H_MS
    else:               # AU: first Sunday of October 02:00 standard to first Sunday of April 03:00
        s = calendar.timegm((y, 10, _nth_sunday(y, 10, 1), 2, 0, 0)) * 1000 - off
        e = calendar.timegm((y, 4, _nth_sunday(y, 4, 1), 3, 0, 0)) * 1000 - off - H_MS
    _DST_CACHE[key] = (s, e)
    return s, e


_OFFSET_CACHE = {}


def utc_offset_ms(city, t):
    """The city's offset from UTC at UTC instant t (ms), with its DST rule. Every rule here
    switches on a whole UTC hour, so results are cached per (city, hour)."""
    if city.dst is None:
        return city.std_off * MIN_MS
    key = (city.id, t // H_MS)
    hit = _OFFSET_CACHE.get(key)
    if hit is None:
        hit = _utc_offset_slow(city, t // H_MS * H_MS)
        _OFFSET_CACHE[key] = hit
    return hit


def _utc_offset_slow(city, t):
    off = city.std_off * MIN_MS
    y = time.gmtime(t // 1000).tm_year
    s, e = _dst_bounds(city.dst, city.std_off, y)
    if city.dst == "AU":
        dst = t >= s or t < e
    else:
        dst = s <= t < e
    return off + H_MS if dst else off


def local_to_utc(city, local_day, local_ms_of_day):
    """UTC ms of a local wall-clock time (local_day: days since the epoch in local time)."""
    guess = local_day * D_MS + local_ms_of_day - city.std_off * MIN_MS
    return local_day * D_MS + local_ms_of_day - utc_offset_ms(city, guess)


def rfc3339(t):
    s, ms = divmod(t, 1000)
    g = time.gmtime(s)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (g.tm_year, g.tm_mon, g.tm_mday, g.tm_hour,
                                                  g.tm_min, g.tm_sec, ms)


def date_of(t):
    g = time.gmtime(t // 1000)
    return "%04d-%02d-%02d" % (g.tm_year, g.tm_mon, g.tm_mday)


# ---------------------------------------------------------------------------------------------
# Randomness helpers
# ---------------------------------------------------------------------------------------------

def hrand(*parts):
    """A stable uniform [0, 1) from the parts, for day-level decisions independent of order."""
    h = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") / float(1 << 64)


def poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    limit = math.exp(-lam)
    k = 0
    p = rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def loguniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def weighted(rng, items):
    """items: list of (value, weight)."""
    total = sum(w for _, w in items)
    x = rng.random() * total
    for v, w in items:
        x -= w
        if x < 0:
            return v
    return items[-1][0]


# ---------------------------------------------------------------------------------------------
# Tokens and key ids
# ---------------------------------------------------------------------------------------------

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(n, width):
    out = []
    while n:
        n, r = divmod(n, 62)
        out.append(ALNUM[r])
    return "".join(reversed(out)).rjust(width, "0")


def rand_alnum(rng, n):
    return "".join(rng.choice(ALNUM) for _ in range(n))


def github_token(rng):
    body = rand_alnum(rng, 30)
    return "ghp_" + body + base62(zlib.crc32(body.encode()), 6)


def github_checksum_ok(tok):
    if not tok.startswith("ghp_") or len(tok) != 40:
        return False
    body = tok[4:34]
    return base62(zlib.crc32(body.encode()), 6) == tok[34:]


def key_id(token):
    """keytrail's key id of an opaque token (see include/keytrail/credential.h)."""
    inner = hashlib.sha256(token.encode()).digest()
    return "kt1-" + hashlib.sha256(b"keytrail-key-v1\0secret\0" + inner).hexdigest()[:24]


# Checked against `keytrail fingerprint` when this file was written; --keytrail re-checks.
KEY_ID_VECTOR = ("abcdefghijABCDEFGHIJ0123456789xyzXYZ", "kt1-d2e1645a0f1e553898d96a2f")

# ---------------------------------------------------------------------------------------------
# User agents
# ---------------------------------------------------------------------------------------------


def browser_ua(rng, major_bump=0):
    kind = weighted(rng, [("chrome", 55), ("firefox", 15), ("safari", 15), ("edge", 15)])
    osx = "Macintosh; Intel Mac OS X 10_15_7"
    win = "Windows NT 10.0; Win64; x64"
    lin = "X11; Linux x86_64"
    if kind == "chrome":
        v = rng.randint(126, 130) + major_bump
        plat = weighted(rng, [(osx, 45), (win, 45), (lin, 10)])
        return ("Mozilla/5.0 (%s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 "
                "Safari/537.36" % (plat, v))
    if kind == "edge":
        v = rng.randint(126, 130) + major_bump
        return ("Mozilla/5.0 (%s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 "
                "Safari/537.36 Edg/%d.0.0.0" % (win, v, v))
    if kind == "firefox":
        v = rng.randint(128, 131) + major_bump
        plat = weighted(rng, [(win, 50), (lin, 30), ("Macintosh; Intel Mac OS X 10.15", 20)])
        return "Mozilla/5.0 (%s; rv:%d.0) Gecko/20100101 Firefox/%d.0" % (plat, v, v)
    v = rng.randint(16, 17) + major_bump
    return ("Mozilla/5.0 (%s) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.%d "
            "Safari/605.1.15" % (osx, v, rng.randint(0, 6)))


def cli_ua(rng, api, bump=0):
    """A human's command-line client; bump > 0 gives a newer version of the same tool."""
    choices = [("curl", 30), ("httpie", 10), ("requests", 20), ("postman", 15), ("insomnia", 5)]
    if api == "ghes":
        choices.append(("gh", 40))
    if api == "payments":
        choices.append(("stripe-cli", 30))
    tool = weighted(rng, choices)
    if tool == "curl":
        return "curl/%s" % rng.choice(["7.81.0", "8.4.0", "8.5.0", "8.6.0", "8.7.1"]
                                       [bump:] + ["8.9.1", "8.10.1"])
    if tool == "httpie":
        return "HTTPie/3.2.%d" % (1 + bump)
    if tool == "requests":
        return "python-requests/2.%d.%d" % (28 + bump + rng.randint(0, 3), rng.randint(0, 3))
    if tool == "postman":
        return "PostmanRuntime/7.%d.%d" % (36 + bump + rng.randint(0, 3), rng.randint(0, 5))
    if tool == "insomnia":
        return "insomnia/2023.%d.%d" % (4 + bump, rng.randint(0, 3))
    if tool == "gh":
        return "GitHub CLI %d.%d.0" % (2, 50 + bump * 4 + rng.randint(0, 8))
    return "Stripe/v1 stripe-cli/1.%d.%d" % (19 + bump + rng.randint(0, 2), rng.randint(0, 4))


SDK_UAS = {
    "internal": ["okhttp/4.12.0", "Apache-HttpClient/4.5.14 (Java/17.0.12)", "axios/1.7.7",
                 "aiohttp/3.10.5", "Go-http-client/2.0", "python-httpx/0.27.2",
                 "Faraday v2.12.0", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
                 "reqwest/0.12.8", "Dart/3.5 (dart:io)"],
    "ghes": ["octokit-rest.js/21.0.2 octokit-core.js/6.1.2 Node.js/20",
             "PyGithub/Python", "go-github/v65.0.0", "Octokit.NET 13.0.1",
             "terraform-provider-github/6.3.0"],
    "payments": ["Stripe/v1 PythonBindings/10.12.0", "Stripe/v1 RubyBindings/13.0.0",
                 "Stripe/v1 NodeBindings/16.12.0", "Stripe/v1 JavaBindings/26.13.0",
                 "Stripe/v1 GoBindings/79.12.0", "Stripe/v1 PhpBindings/15.10.0"],
    "data": ["datashipper/2.4.1 (linux; amd64)", "fluent-bit/3.1.9", "vector/0.41.1",
             "Apache-HttpClient/5.3.1 (Java/21.0.4)", "aiohttp/3.10.5", "okhttp/4.12.0",
             "Go-http-client/2.0"],
}

CI_UAS = ["GitHub-Actions-Runner/2.320.0", "GitLab-Runner 17.4.0 (17-4-stable; go1.22.5; "
          "linux/amd64)", "Buildkite-Agent/3.81.0 (linux; amd64)", "Jenkins/2.462.2",
          "git/2.46.2", "CircleCI-Runner/3.1.1", "drone-runner-docker/1.8.3"]

# Tools thieves use, by product; the first request of a secrets scanner is its verification.
TOOL_UAS = [
    ("curl", "curl/8.10.1"),
    ("python-requests", "python-requests/2.32.3"),
    ("Go-http-client", "Go-http-client/1.1"),
    ("TruffleHog", "TruffleHog"),
    ("aws-cli", "aws-cli/2.17.50 Python/3.12.6 Linux/6.8.11-amd64 exe/x86_64.kali.2024 "
                "prompt/off command/s3.ls"),
    ("python-httpx", "python-httpx/0.27.2"),
    ("Wget", "Wget/1.24.5"),
    ("nuclei", "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)"),
    ("Firefox-ESR", "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0"),
    ("okhttp", "okhttp/3.14.9"),
]


def ua_product(ua):
    """The product of a user agent ("curl" of "curl/8.5.0"), to tell tools apart."""
    if ua.startswith("Mozilla/"):
        for name in ("Edg/", "Firefox/", "Chrome/", "Safari/"):
            if name in ua:
                return name[:-1]
        return "Mozilla"
    for sep in ("/", " "):
        if sep in ua:
            return ua.split(sep, 1)[0]
    return ua


# ---------------------------------------------------------------------------------------------
# APIs: endpoints keys use, and what reconnaissance asks for
# ---------------------------------------------------------------------------------------------

WORDS = ["alpha", "billing", "core", "dash", "edge", "fleet", "gateway", "harbor", "infra",
         "jobs", "kiosk", "ledger", "mobile", "notify", "orders", "portal", "quota", "search",
         "tiles", "users", "vault", "web", "export", "yard", "zeta"]


def _rid(rng, pfx, n=14):
    return pfx + rand_alnum(rng, n)


def _fill(rng, tpl, ctx):
    """Renders one concrete request target from a template."""
    out = tpl
    if "{org}" in out:
        out = out.replace("{org}", ctx["org"])
    if "{repo}" in out:
        out = out.replace("{repo}", rng.choice(ctx["repos"]))
    if "{n}" in out:
        out = out.replace("{n}", str(rng.randint(1, 9999)))
    if "{sha}" in out:
        out = out.replace("{sha}", "%040x" % rng.getrandbits(160))
    if "{cus}" in out:
        out = out.replace("{cus}", _rid(rng, "cus_"))
    if "{pi}" in out:
        out = out.replace("{pi}", _rid(rng, "pi_", 24))
    if "{id}" in out:
        out = out.replace("{id}", str(rng.randint(10000, 999999)))
    if "{word}" in out:
        out = out.replace("{word}", rng.choice(WORDS))
    if "{page}" in out:
        out = out.replace("{page}", str(rng.randint(1, 40)))
    return out


# (weight, method, template, ok status)
API_NORMAL = {
    "internal": [
        (30, "GET", "/v2/orders?status=open&limit=50", 200),
        (20, "GET", "/v2/orders/{id}", 200),
        (10, "POST", "/v2/orders", 201),
        (12, "GET", "/v2/inventory/{id}", 200),
        (8, "PUT", "/v2/inventory/{id}", 200),
        (10, "GET", "/v2/customers/{id}", 200),
        (6, "GET", "/v2/search?q={word}", 200),
        (5, "GET", "/v2/reports/daily?date=latest", 200),
        (4, "DELETE", "/v2/sessions/{id}", 204),
        (6, "GET", "/v2/health/deps", 200),
    ],
    "ghes": [
        (20, "GET", "/api/v3/repos/{org}/{repo}/pulls?state=open", 200),
        (15, "GET", "/api/v3/repos/{org}/{repo}/commits/{sha}/status", 200),
        (12, "POST", "/api/v3/repos/{org}/{repo}/statuses/{sha}", 201),
        (10, "GET", "/api/v3/repos/{org}/{repo}/contents/README.md", 200),
        (8, "GET", "/api/v3/repos/{org}/{repo}/issues?per_page=50", 200),
        (8, "POST", "/api/v3/repos/{org}/{repo}/check-runs", 201),
        (6, "GET", "/api/v3/repos/{org}/{repo}/actions/runs?per_page=20", 200),
        (6, "GET", "/api/v3/notifications", 200),
        (5, "GET", "/{org}/{repo}.git/info/refs?service=git-upload-pack", 200),
        (5, "POST", "/{org}/{repo}.git/git-upload-pack", 200),
        (3, "GET", "/api/v3/user", 200),
    ],
    "payments": [
        (25, "POST", "/v1/payment_intents", 200),
        (15, "GET", "/v1/payment_intents/{pi}", 200),
        (12, "POST", "/v1/customers", 200),
        (12, "GET", "/v1/customers/{cus}", 200),
        (8, "POST", "/v1/refunds", 200),
        (8, "GET", "/v1/charges?limit=10", 200),
        (6, "GET", "/v1/invoices?customer={cus}", 200),
        (6, "POST", "/v1/subscriptions", 200),
        (4, "GET", "/v1/events?type=charge.succeeded&limit=100", 200),
    ],
    "data": [
        (40, "POST", "/v1/events", 202),
        (15, "POST", "/v1/metrics/batch", 202),
        (15, "GET", "/v1/query?dataset={word}&range=1h", 200),
        (10, "GET", "/v1/datasets/{word}/schema", 200),
        (10, "GET", "/v1/dashboards/{id}", 200),
        (5, "PUT", "/v1/datasets/{word}/retention", 200),
        (5, "GET", "/v1/usage?period=day", 200),
    ],
    "checkout": [
        (40, "POST", "/v1/tokens", 200),
        (25, "POST", "/v1/payment_methods", 200),
        (20, "GET", "/v1/elements/sessions?locale=auto", 200),
        (10, "POST", "/v1/payment_intents/{pi}/confirm", 200),
        (5, "GET", "/v1/payment_pages/{pi}", 200),
    ],
}

API_RECON = {
    "internal": ["/api/v1/me", "/api/v1/users?page={page}", "/api/admin/users", "/api/v1/keys",
                 "/api/v1/config", "/.env", "/api/v1/debug/vars", "/swagger.json",
                 "/v2/admin/tenants", "/v2/users/export?all=true", "/actuator/env",
                 "/v2/secrets", "/v2/orders?limit=1000&page={page}", "/graphql"],
    "ghes": ["/api/v3/user", "/api/v3/user/orgs", "/api/v3/user/repos?per_page=100&page={page}",
             "/api/v3/orgs/{org}/members", "/api/v3/user/emails", "/api/v3/user/keys",
             "/api/v3/admin/users", "/api/v3/orgs/{org}/actions/secrets",
             "/api/v3/user/installations", "/api/v3/enterprise/settings/license",
             "/api/v3/repos/{org}/{repo}/collaborators",
             "/api/v3/repos/{org}/{repo}/actions/secrets", "/api/v3/orgs/{org}/hooks"],
    "payments": ["/v1/account", "/v1/balance", "/v1/customers?limit=100", "/v1/payouts",
                 "/v1/webhook_endpoints", "/v1/accounts", "/v1/charges?limit=100",
                 "/v1/issuing/cards", "/v1/radar/value_lists", "/v1/files", "/v1/transfers",
                 "/v1/balance_transactions?limit=100", "/v1/application_fees"],
    "data": ["/v1/keys", "/v1/projects", "/v1/admin/users", "/v1/datasets", "/v1/export?all=1",
             "/v1/org", "/v1/tokens", "/v1/billing", "/v1/query?dataset=*&range=30d",
             "/v1/integrations", "/v1/audit?limit=1000"],
}

API_HOSTS = {"internal": "api.example.com", "ghes": "ghe.example.com",
             "payments": "payments.example.com", "data": "ingest.example.org",
             "checkout": "checkout.example.com"}

# Error statuses of ordinary traffic (after the key's error rate decides an error happens).
ERR_STATUSES = [(400, 20), (404, 25), (409, 8), (422, 12), (429, 12), (500, 8), (502, 5),
                (503, 6), (401, 2), (403, 2)]


class Profile:
    """A key's own endpoints: a handful from its API with concrete targets, plus error rate."""

    def __init__(self, rng, api, error_rate):
        self.api = api
        self.ctx = {"org": rng.choice(WORDS) + "-" + rand_alnum(rng, 3).lower(),
                    "repos": [rng.choice(WORDS) + "-" + rng.choice(WORDS)
                              for _ in range(rng.randint(1, 6))]}
        table = API_NORMAL[api]
        chosen = rng.sample(table, k=min(len(table), rng.randint(3, 8)))
        self.ops = []
        self.cum = []
        acc = 0.0
        for w, method, tpl, ok in chosen:
            pool = [_fill(rng, tpl, self.ctx) for _ in range(rng.randint(3, 25))]
            pool = list(dict.fromkeys(pool))
            acc += w * rng.uniform(0.3, 2.0)
            self.ops.append((method, pool, ok))
            self.cum.append(acc)
        self.total = acc
        self.error_rate = error_rate
        self.err_cum = list(_cumulate(ERR_STATUSES))

    def pick(self, rng, error_rate=None):
        """(method, uri, status) of one ordinary request."""
        rnd = rng.random
        i = bisect.bisect_right(self.cum, rnd() * self.total)
        method, pool, ok = self.ops[min(i, len(self.ops) - 1)]
        rate = self.error_rate if error_rate is None else error_rate
        status = ok
        if rnd() < rate:
            status = _pick_cum(rng, self.err_cum)
        return method, pool[int(rnd() * len(pool))], status

    def recon(self, rng):
        tpl = rng.choice(API_RECON[self.api])
        method = "POST" if tpl == "/graphql" else "GET"
        status = weighted(rng, [(401, 25), (403, 30), (404, 30), (200, 10), (405, 5)])
        return method, _fill(rng, tpl, self.ctx), status


def _cumulate(pairs):
    acc = 0
    for v, w in pairs:
        acc += w
        yield (acc, v)


def _pick_cum(rng, cum):
    x = rng.random() * cum[-1][0]
    for acc, v in cum:
        if x < acc:
            return v
    return cum[-1][1]


# ---------------------------------------------------------------------------------------------
# Owners: how a key is normally used
# ---------------------------------------------------------------------------------------------

# Relative activity by local hour on a working day.
WORK_PROFILE = [0, 0, 0, 0, 0, 0, 0, 0.05, 0.35, 0.85, 1.0, 1.0, 0.5, 0.75, 1.0, 1.0, 0.9, 0.65,
                0.3, 0.08, 0, 0, 0, 0]
# Relative activity of a browser population by local hour.
PUBLIC_PROFILE = [0.25, 0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.4, 0.6, 0.75, 0.85, 0.9, 1.0, 0.95,
                  0.9, 0.9, 0.9, 0.95, 1.0, 1.0, 0.95, 0.8, 0.6, 0.4]


def local_parts(city, t):
    """(local day number, local hour as float, weekday 0=Monday) at UTC instant t."""
    lt = t + utc_offset_ms(city, t)
    ld = lt // D_MS
    return ld, (lt % D_MS) / H_MS, (ld + 3) % 7


class Owner:
    """Common parts: the key's profile, user agents (with an optional switch) and incidents."""

    kind = "?"

    def __init__(self, rng, world, api, error_rate):
        self.world = world
        self.profile = Profile(rng, api, error_rate)
        self.incidents = []        # (start, end, status, retry factor): all requests fail
        self.ua_switch = None      # (t, [(ua, weight)])
        self.uas = []

    def ua_at(self, rng, t):
        uas = self.uas
        if self.ua_switch is not None and t >= self.ua_switch[0]:
            uas = self.ua_switch[1]
        if len(uas) == 1:
            return uas[0][0]
        return weighted(rng, uas)

    def all_uas(self):
        out = [u for u, _ in self.uas]
        if self.ua_switch is not None:
            out += [u for u, _ in self.ua_switch[1]]
        return out

    def incident_at(self, t):
        for s, e, status, factor in self.incidents:
            if s <= t < e:
                return status, factor
        return None

    def op(self, rng, t):
        method, uri, status = self.profile.pick(rng)
        inc = self.incident_at(t)
        if inc is not None:
            status = inc[0]
        return method, uri, status

    def countries(self):
        return set()

    def cities(self):
        return []

    def typical_rate(self):
        """Requests in an ordinary active hour."""
        return 1.0


class Human(Owner):
    """Office hours in their time zone on weekdays, home in evenings and on weekends."""

    kind = "human"

    def __init__(self, rng, world, api, home, ua_mode=None):
        super().__init__(rng, world, api, rng.uniform(0.003, 0.02))
        self.home = home
        res = world.ops_of("residential", home.id)
        self.home_isp = rng.choice(res)
        # Home addresses are dynamic: a new one from the same ISP every 5-20 days.
        blk = self.home_isp.blocks[home.id]
        self.home_period = rng.randint(5, 20)
        self.home_ips = [blk.benign_addr(rng) for _ in range(20)]
        self.remote = rng.random() < 0.3
        biz = world.ops_of("business", home.id)[0]
        self.office_isp = biz
        nat = biz.blocks[home.id].benign_addr(rng)
        self.office_ips = [nat]
        if rng.random() < 0.3:
            # A second NAT address next to the first (same /24, never .0 or .255).
            n = ip_int(nat)
            self.office_ips.append(ip_str((n & ~255) | (((n & 255) + rng.randint(1, 6)) % 253
                                                        + 1)))
        self.office_switch = None   # (t, [ips])
        mob = world.ops_of("mobile", home.id)
        self.mobile = rng.choice(mob) if mob and rng.random() < 0.35 else None
        self.rate = loguniform(rng, 1.5, 10)
        self.shift = rng.choice([-1, 0, 0, 0, 1])
        self.evening_p = rng.uniform(0.05, 0.4)
        self.weekend_p = rng.uniform(0.02, 0.3)
        self.hybrid_p = rng.uniform(0.1, 0.5)
        self.vacation = None        # (first local day, last local day)
        mode = ua_mode or weighted(rng, [("browser", 35), ("cli", 45), ("both", 20)])
        if mode == "browser":
            self.uas = [(browser_ua(rng), 1.0)]
        elif mode == "cli":
            self.uas = [(cli_ua(rng, api), 1.0)]
        else:
            self.uas = [(browser_ua(rng), 0.6), (cli_ua(rng, api), 0.4)]
        # Travel: list of (start, end, city, hotel ip, mobile op); between segments the owner
        # is in the air. None: at home for the whole window.
        self.trips = None

    def countries(self):
        out = {self.home.cc}
        for seg in self.trips or []:
            out.add(seg[2].cc)
        return out

    def cities(self):
        out = [self.home]
        for seg in self.trips or []:
            out.append(seg[2])
        return out

    def typical_rate(self):
        return self.rate

    @staticmethod
    def _mobile_ip(mob, city, kidx, ts):
        """Carrier-grade NAT: the phone keeps one address for an hour or so."""
        sub = random.Random(hrand("mob", kidx, ts // H_MS))
        return mob.blocks[city.id].benign_addr(sub)

    def home_ip(self, ld):
        return self.home_ips[(ld // self.home_period) % len(self.home_ips)]

    def _segment(self, t):
        """(city, hotel ip or None, mobile op) at t, or None while flying."""
        if self.trips is None:
            return self.home, None, self.mobile
        for s, e, city, hotel, mob in self.trips:
            if s <= t < e:
                return city, hotel, mob
        return None

    def day_events(self, day_start, rng, kidx, out):
        for h in range(24):
            t = day_start + h * H_MS
            seg = self._segment(t + H_MS // 2)
            if seg is None:
                continue
            city, hotel, mob = seg
            ld, lh, wd = local_parts(city, t + H_MS // 2)
            on_vacation = self.vacation is not None and self.vacation[0] <= ld <= self.vacation[1]
            w = 0.0
            place = "home"
            hour = int(lh)
            if wd < 5 and not on_vacation:
                w = WORK_PROFILE[(hour - self.shift) % 24]
                if w > 0 and hotel is None and not self.remote and \
                        hrand("wfh", kidx, ld) >= self.hybrid_p:
                    place = "office"
            if 19 <= hour <= 22 and hrand("eve", kidx, ld) < self.evening_p:
                w += 0.35
            if wd >= 5 and 10 <= hour <= 18 and hrand("we", kidx, ld) < self.weekend_p:
                w += 0.3
            if w <= 0:
                continue
            daymul = 0.5 + hrand("day", kidx, ld)
            n = poisson(rng, self.rate * w * daymul)
            for _ in range(n):
                ts = t + int(rng.random() * H_MS)
                if self._segment(ts) is None:
                    continue
                if hotel is not None:
                    ip = hotel
                    if mob is not None and rng.random() < 0.3:
                        ip = self._mobile_ip(mob, city, kidx, ts)
                elif place == "office":
                    ips = self.office_ips
                    if self.office_switch is not None and ts >= self.office_switch[0]:
                        ips = self.office_switch[1]
                    ip = ips[0] if len(ips) == 1 else rng.choice(ips)
                elif mob is not None and rng.random() < 0.12:
                    ip = self._mobile_ip(mob, city, kidx, ts)
                else:
                    ip = self.home_ip(ld)
                method, uri, status = self.op(rng, ts)
                out.append((ts, kidx, ip, self.ua_at(rng, ts), method, uri, status, False))


class Service(Owner):
    """24/7 from one or two data-centre addresses, one SDK, mild daily and weekly rhythm."""

    kind = "service"

    def __init__(self, rng, world, api):
        super().__init__(rng, world, api, rng.uniform(0.002, 0.012))
        if rng.random() < 0.25:
            op = rng.choice(world.ops_of("vps"))
        else:
            op = rng.choice(world.ops_of("cloud"))
        cid = rng.choice(op.cities)
        self.op_ = op
        self.regions = [op.blocks[cid]]
        blk = self.regions[0]
        # (ip, weight, from_ms, until_ms)
        self.ips = [(blk.benign_addr(rng), 1.0, 0, 1 << 62)]
        if rng.random() < 0.4:
            self.ips.append((blk.benign_addr(rng), rng.uniform(0.3, 1.0), 0, 1 << 62))
        self.uas = [(rng.choice(SDK_UAS[api]), 1.0)]
        self.rate = loguniform(rng, 0.4, 6)
        self.amp = rng.uniform(0.1, 0.6)
        self.tz_city = blk.city
        self.peak = rng.uniform(11, 17)
        self.weekend = rng.uniform(0.55, 1.0)
        self.growth = None          # (t0, t1, factor)
        self.cron = None            # (tz city, local ms of day, requests, duration ms)

    def countries(self):
        return {b.city.cc for b in self.regions}

    def cities(self):
        return [b.city for b in self.regions]

    def typical_rate(self):
        return self.rate

    def mult(self, t):
        if self.growth is None:
            return 1.0
        t0, t1, g = self.growth
        if t <= t0:
            return 1.0
        f = min(1.0, (t - t0) / float(t1 - t0))
        return g ** f

    def _ips_at(self, t):
        return [(ip, w) for ip, w, s, e in self.ips if s <= t < e]

    def day_events(self, day_start, rng, kidx, out):
        for h in range(24):
            t = day_start + h * H_MS
            ld, lh, wd = local_parts(self.tz_city, t + H_MS // 2)
            lam = self.rate * self.mult(t) * (1 + self.amp * math.cos(
                2 * math.pi * (lh - self.peak) / 24))
            if wd >= 5:
                lam *= self.weekend
            inc = self.incident_at(t + H_MS // 2)
            if inc is not None:
                lam *= inc[1]
            n = poisson(rng, lam)
            if n == 0:
                continue
            ips = self._ips_at(t + H_MS // 2)
            ua = self.uas[0][0]
            for _ in range(n):
                ts = t + int(rng.random() * H_MS)
                ip = ips[0][0] if len(ips) == 1 else weighted(rng, ips)
                method, uri, status = self.op(rng, ts)
                out.append((ts, kidx, ip, self.ua_at(rng, ts) if self.ua_switch else ua,
                            method, uri, status, False))
        if self.cron is not None:
            self._cron_events(day_start, rng, kidx, out)

    def _cron_events(self, day_start, rng, kidx, out):
        city, at_ms, count, dur = self.cron
        first_ld = (day_start + city.std_off * MIN_MS) // D_MS
        for ld in (first_ld - 1, first_ld, first_ld + 1):
            start = local_to_utc(city, ld, at_ms)
            if not day_start <= start < day_start + D_MS:
                continue
            ip = self.ips[0][0]
            n = max(1, int(count * rng.uniform(0.8, 1.2)))
            for i in range(n):
                ts = start + (dur * i) // n + rng.randrange(max(1, dur // n))
                method, uri, status = self.op(rng, ts)
                out.append((ts, kidx, ip, self.uas[0][0], method, uri, status, False))


class CI(Owner):
    """Pipelines on pushes during the team's working hours and a nightly build, each run on a
    fresh runner address of one cloud provider in two or three regions."""

    kind = "ci"

    def __init__(self, rng, world, api):
        super().__init__(rng, world, api, rng.uniform(0.005, 0.03))
        op = rng.choice(world.ops_of("cloud"))
        self.op_ = op
        nreg = rng.randint(2, 3)
        # Prefer regions in different countries.
        cids = list(op.cities)
        rng.shuffle(cids)
        chosen, seen = [], set()
        for cid in cids:
            cc = world.cities[cid].cc
            if cc not in seen:
                chosen.append(cid)
                seen.add(cc)
            if len(chosen) == nreg:
                break
        self.regions = [op.blocks[c] for c in chosen]
        self.region_w = [rng.uniform(0.3, 1.0) for _ in self.regions]
        self.team = world.cities[weighted(rng, list(HOME_WEIGHTS.items()))]
        self.push_rate = loguniform(rng, 0.15, 1.5)
        self.burst = (rng.randint(2, 6), rng.randint(8, 20))
        self.nightly_h = rng.randint(0, 5)
        self.weekend = rng.uniform(0.0, 0.15)
        self.uas = [(rng.choice(CI_UAS), 1.0)]
        if rng.random() < 0.3:
            self.uas.append((rng.choice(CI_UAS), 0.3))
        self.uas = list({u: w for u, w in self.uas}.items())
        self.growth = None

    def countries(self):
        return {b.city.cc for b in self.regions}

    def cities(self):
        return [b.city for b in self.regions]

    def typical_rate(self):
        """Requests in an active hour: a pipeline or more."""
        return max(1.0, self.push_rate) * (self.burst[0] + self.burst[1]) / 2.0

    def mult(self, t):
        return Service.mult(self, t)

    def _burst(self, start, rng, kidx, out):
        i = bisect.bisect_right(list(_acc(self.region_w)), rng.random() * sum(self.region_w))
        blk = self.regions[min(i, len(self.regions) - 1)]
        ip = blk.benign_addr(rng)
        ua = self.ua_at(rng, start)
        n = rng.randint(*self.burst)
        dur = rng.randint(1, 8) * MIN_MS
        for _ in range(n):
            ts = start + rng.randrange(dur)
            method, uri, status = self.op(rng, ts)
            out.append((ts, kidx, ip, ua, method, uri, status, False))

    def day_events(self, day_start, rng, kidx, out):
        for h in range(24):
            t = day_start + h * H_MS
            ld, lh, wd = local_parts(self.team, t + H_MS // 2)
            w = WORK_PROFILE[int(lh)] * (self.weekend if wd >= 5 else 1.0)
            lam = self.push_rate * w * self.mult(t)
            inc = self.incident_at(t + H_MS // 2)
            if inc is not None:
                lam *= inc[1]
            for _ in range(poisson(rng, lam)):
                self._burst(t + rng.randrange(H_MS), rng, kidx, out)
            if h == self.nightly_h:
                self._burst(t + rng.randrange(10 * MIN_MS), rng, kidx, out)


def _acc(ws):
    a = 0.0
    for w in ws:
        a += w
        yield a


class Public(Owner):
    """A publishable key in a web page: browsers in many countries, each on its own ISP."""

    kind = "public"

    def __init__(self, rng, world, api):
        super().__init__(rng, world, "checkout", rng.uniform(0.01, 0.04))
        ids = list(HOME_WEIGHTS)
        rng.shuffle(ids)
        n = rng.randint(5, 14)
        chosen = ids[:n]
        for c in ids[n:]:   # at least four countries
            if len({world.cities[x].cc for x in chosen}) >= 4:
                break
            if world.cities[c].cc not in {world.cities[x].cc for x in chosen}:
                chosen.append(c)
        self.markets = [(world.cities[c], loguniform(rng, 0.2, 1.0)) for c in chosen]
        total = sum(w for _, w in self.markets)
        self.markets = [(c, w / total) for c, w in self.markets]
        self.rate = loguniform(rng, 1.5, 6)
        self.browsers = [browser_ua(rng) for _ in range(40)]
        self.uas = [(self.browsers[0], 1.0)]
        self.growth = None

    def countries(self):
        return {c.cc for c, _ in self.markets}

    def cities(self):
        return [c for c, _ in self.markets]

    def typical_rate(self):
        return self.rate

    def mult(self, t):
        return Service.mult(self, t)

    def day_events(self, day_start, rng, kidx, out):
        world = self.world
        for h in range(24):
            t = day_start + h * H_MS
            m = self.mult(t)
            for city, share in self.markets:
                lh = local_parts(city, t + H_MS // 2)[1]
                n = poisson(rng, self.rate * share * PUBLIC_PROFILE[int(lh)] * m * 1.6)
                for _ in range(n):
                    ts = t + int(rng.random() * H_MS)
                    kind = "mobile" if rng.random() < 0.35 else "residential"
                    ops = world.ops_of(kind, city.id)
                    ip = rng.choice(ops).blocks[city.id].benign_addr(rng)
                    method, uri, status = self.op(rng, ts)
                    out.append((ts, kidx, ip, rng.choice(self.browsers), method, uri, status,
                                False))


# ---------------------------------------------------------------------------------------------
# Attackers: precomputed event lists; the first event is the misuse start
# ---------------------------------------------------------------------------------------------

def vps_blocks(world, exclude_cc=(), only_cc=None):
    out = []
    for op in world.ops_of("vps"):
        for cid, blk in op.blocks.items():
            cc = blk.city.cc
            if cc in exclude_cc or (only_cc is not None and cc != only_cc):
                continue
            out.append(blk)
    return out


def tool_ua(rng, avoid_products):
    cands = [u for p, u in TOOL_UAS if p not in avoid_products]
    return rng.choice(cands)


def attacker_ua(rng, owner, mimic_p):
    """The owner's main agent (a careful thief) or a tool the owner does not use."""
    if rng.random() < mimic_p:
        return owner.uas[0][0]
    return tool_ua(rng, {ua_product(u) for u in owner.all_uas()})


def far_blocks(world, owner, kinds, min_km, foreign=True):
    """Attacker blocks of the given operator kinds, min_km from every owner city."""
    ocs = owner.cities()
    occ = owner.countries()
    out = []
    for op in world.ops:
        if op.kind not in kinds:
            continue
        for blk in op.blocks.values():
            if foreign and blk.city.cc in occ:
                continue
            if all(distance_km(blk.city, c) >= min_km for c in ocs):
                out.append(blk)
    return out


def session(rng, start, n, dur, srcs, opf, first_at_start=True):
    """n events from start over dur ms; srcs: list of (ip, ua); opf(rng) -> (method, uri, st)."""
    evs = []
    for i in range(n):
        ts = start if (i == 0 and first_at_start) else start + rng.randrange(max(1, dur))
        ip, ua = rng.choice(srcs)
        method, uri, status = opf(rng)
        evs.append((ts, ip, ua, method, uri, status))
    return evs


def owner_active_time(rng, owner, world, day, start_ms):
    """A time on day (or the next working days) when the owner is normally active."""
    if isinstance(owner, Human):
        city = owner.home
        for extra in range(7):
            t0 = start_ms + (day + extra) * D_MS
            ld = (t0 + utc_offset_ms(city, t0)) // D_MS
            if (ld + 3) % 7 < 5:
                return local_to_utc(city, ld, rng.randrange(10 * H_MS, 15 * H_MS) +
                                    owner.shift * H_MS)
        return start_ms + day * D_MS + 12 * H_MS
    if isinstance(owner, CI):
        city = owner.team
        for extra in range(7):
            t0 = start_ms + (day + extra) * D_MS
            ld = (t0 + utc_offset_ms(city, t0)) // D_MS
            if (ld + 3) % 7 < 5:
                return local_to_utc(city, ld, rng.randrange(10 * H_MS, 16 * H_MS))
    return start_ms + day * D_MS + rng.randrange(D_MS)


def build_attack(kind, rng, world, owner, cfg, t0_day):
    """Attacker events of one misuse scenario, sorted, the first one at the misuse start."""
    start_ms, end_ms = cfg.start_ms, cfg.end_ms
    prof = owner.profile
    normal = lambda r: prof.pick(r, error_rate=0.01)  # noqa: E731
    evs = []
    if kind == "foreign_lowvol":
        blk = rng.choice(far_blocks(world, owner, ("vps",), 800))
        ips = [blk.attacker_addr(rng) for _ in range(rng.randint(1, 2))]
        ua = attacker_ua(rng, owner, 0.5)
        per_day = rng.uniform(1, 8)
        t = start_ms + t0_day * D_MS + rng.randrange(D_MS)
        evs += session(rng, t, 1, 1, [(ips[0], ua)], normal)
        t += MIN_MS
        while t < end_ms:
            t += int(rng.expovariate(per_day / D_MS))
            if t < end_ms:
                evs += session(rng, t, 1, 1, [(rng.choice(ips), ua)], normal)
    elif kind == "parallel":
        cands = far_blocks(world, owner, ("residential", "vps", "mobile"), 2500)
        blk = rng.choice(cands)
        ip = blk.attacker_addr(rng)
        ua = attacker_ua(rng, owner, 0.6)
        f = rng.uniform(0.3, 1.5)
        t0 = owner_active_time(rng, owner, world, t0_day, start_ms)
        evs += session(rng, t0, 1, 1, [(ip, ua)], normal)
        rate = max(0.5, owner.typical_rate() * f)
        h = t0 // H_MS * H_MS + H_MS
        while h < end_ms:
            lh = local_parts(blk.city, h)[1]
            if 8 <= lh < 23:
                for _ in range(poisson(rng, rate)):
                    evs += session(rng, h + rng.randrange(H_MS), 1, 1, [(ip, ua)], normal)
            h += H_MS
        # Start the thief's session right after the first event, interleaved with the owner.
        evs += session(rng, t0 + rng.randrange(MIN_MS, 20 * MIN_MS), rng.randint(2, 8),
                       40 * MIN_MS, [(ip, ua)], normal, first_at_start=False)
    elif kind == "spike":
        kinds = ("vps", "cloud")
        pool = [b for op in world.ops if op.kind in kinds for b in op.blocks.values()]
        nloc = rng.randint(1, 3)
        blks = rng.sample(pool, nloc)
        srcs_ips = [rng.choice(blks).attacker_addr(rng) for _ in range(rng.randint(3, 30))]
        ua = attacker_ua(rng, owner, 0.3)
        srcs = [(ip, ua) for ip in srcs_ips]
        t0 = start_ms + t0_day * D_MS + rng.randrange(D_MS)
        nspikes = 1 if rng.random() < 0.6 else 2
        t = t0
        for i in range(nspikes):
            k = rng.uniform(20, 100)
            rate = max(120.0, owner.typical_rate() * k)
            dur = rng.randint(20, 240) * MIN_MS
            n = min(20000, int(rate * dur / H_MS))
            evs += session(rng, t, n, dur, srcs, normal, first_at_start=(i == 0))
            t += rng.randint(1, 3) * D_MS + rng.randrange(-6 * H_MS, 6 * H_MS)
            if t >= end_ms - H_MS:
                break
    elif kind == "offhours":
        home = owner.home if isinstance(owner, Human) else owner.team
        used = set()
        if isinstance(owner, Human):
            used = {owner.home_isp.asn, owner.office_isp.asn}
            if owner.mobile is not None:
                used.add(owner.mobile.asn)
        cands = [op.blocks[c.id] for c in world.cities.values() if c.cc == home.cc
                 for op in world.ops_of("residential", c.id) if op.asn not in used]
        blk = rng.choice(cands)
        ip = blk.attacker_addr(rng)
        ua = attacker_ua(rng, owner, 0.4) if rng.random() < 0.5 else browser_ua(rng)
        nights = rng.randint(1, 6)
        day = t0_day
        for i in range(nights):
            t_day = start_ms + day * D_MS
            ld = (t_day + utc_offset_ms(home, t_day)) // D_MS
            begin = local_to_utc(home, ld, rng.randrange(30 * MIN_MS, 4 * H_MS))
            n = rng.randint(5, 40)
            dur = rng.randint(30, 150) * MIN_MS
            if begin < end_ms:
                evs += session(rng, begin, n, dur, [(ip, ua)], normal, first_at_start=(i == 0))
            day += rng.randint(1, 3)
    elif kind == "recon":
        blk = rng.choice(vps_blocks(world))
        ip = blk.attacker_addr(rng)
        tool = tool_ua(rng, {ua_product(u) for u in owner.all_uas()})
        t = start_ms + t0_day * D_MS + rng.randrange(D_MS)
        first = True
        for _ in range(rng.randint(1, 3)):
            if first and rng.random() < 0.5:
                # A secrets scanner verifies the key first, then a tool explores.
                m, u, _s = prof.recon(rng)
                evs.append((t, ip, "TruffleHog", m, u, 200))
                t += rng.randint(1, 90) * MIN_MS
                first = False
            n = rng.randint(15, 200)
            dur = rng.randint(2, 30) * MIN_MS
            evs += session(rng, t, n, dur, [(ip, tool)], prof.recon, first_at_start=True)
            first = False
            t += rng.randint(6, 40) * H_MS
            if t >= end_ms:
                break
    elif kind == "new_tool":
        same = rng.random() < 0.5
        if same:
            cc = rng.choice(sorted(owner.countries()))
            cands = [b for b in vps_blocks(world, only_cc=cc)
                     if all(b.city.id != c.id for c in owner.cities())]
            if not cands:
                cands = [b for op in world.ops_of("residential") for b in op.blocks.values()
                         if b.city.cc == cc]
        else:
            cands = far_blocks(world, owner, ("vps", "residential"), 500)
        blk = rng.choice(cands)
        ip = blk.attacker_addr(rng)
        tool = tool_ua(rng, {ua_product(u) for u in owner.all_uas()})
        t = start_ms + t0_day * D_MS + rng.randrange(D_MS)
        for i in range(rng.randint(1, 4)):
            evs += session(rng, t, rng.randint(3, 60), rng.randint(5, 60) * MIN_MS,
                           [(ip, tool)], normal, first_at_start=True)
            t += D_MS + rng.randrange(-8 * H_MS, 8 * H_MS)
            if t >= end_ms:
                break
    elif kind == "dormant":
        if rng.random() < 0.6:
            cands = far_blocks(world, owner, ("vps", "residential"), 500)
        else:
            cc = rng.choice(sorted(owner.countries()))
            cands = [b for op in world.ops if op.kind in ("vps", "residential")
                     for b in op.blocks.values() if b.city.cc == cc]
        blk = rng.choice(cands)
        ip = blk.attacker_addr(rng)
        ua = attacker_ua(rng, owner, 0.3)
        t0 = cfg.dormant_t0
        evs += session(rng, t0, rng.randint(5, 100), rng.randint(10, 600) * MIN_MS,
                       [(ip, ua)], normal, first_at_start=True)
    else:
        raise ValueError(kind)
    evs = [e for e in evs if e[0] < end_ms]
    evs.sort()
    return evs


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------

# name, label, weight (share of keys), base kinds with weights
SCENARIOS = [
    ("human", "benign", 15, [("human", 1)]),
    ("service", "benign", 13, [("service", 1)]),
    ("ci", "benign", 8, [("ci", 1)]),
    ("public", "benign", 4, [("public", 1)]),
    ("travel", "benign", 5, [("human", 1)]),
    ("new_office", "benign", 4, [("human", 7), ("service", 3)]),
    ("growth", "benign", 4, [("service", 6), ("public", 15), ("ci", 25)]),
    ("rotation", "benign", 4, [("human", 3), ("service", 5), ("ci", 2)]),
    ("new_laptop", "benign", 4, [("human", 1)]),
    ("errors", "benign", 4, [("service", 5), ("human", 3), ("ci", 2)]),
    ("dst_cron", "benign", 3, [("service", 1)]),
    ("foreign_lowvol", "misuse", 5, [("human", 4), ("service", 4), ("ci", 2)]),
    ("parallel", "misuse", 5, [("human", 6), ("service", 4)]),
    ("spike", "misuse", 5, [("service", 5), ("human", 3), ("ci", 2)]),
    ("offhours", "misuse", 4, [("human", 8), ("ci", 2)]),
    ("recon", "misuse", 5, [("human", 4), ("service", 4), ("ci", 2)]),
    ("new_tool", "misuse", 4, [("human", 4), ("service", 4), ("ci", 2)]),
    ("dormant", "misuse", 4, [("human", 4), ("service", 4), ("ci", 2)]),
]
SCENARIO_INFO = {s[0]: s for s in SCENARIOS}

# Token style per owner kind: (family style, weight)
FAMILY_BY_BASE = {
    "human": [("bearer", 45), ("github", 35), ("stripe", 5), ("xapikey", 15)],
    "service": [("bearer", 35), ("stripe", 30), ("xapikey", 30), ("github", 5)],
    "ci": [("github", 60), ("bearer", 30), ("xapikey", 10)],
    "public": [("pk", 1)],
}
API_BY_STYLE = {"bearer": "internal", "github": "ghes", "stripe": "payments", "xapikey": "data",
                "pk": "checkout"}
FAMILY_NAME = {"bearer": "generic", "github": "github", "stripe": "stripe", "xapikey": "generic",
               "pk": "stripe"}


class Config:
    def __init__(self, seed, keys, days, start, space="private"):
        self.space = space
        self.seed = seed
        self.keys = keys
        self.days = days
        self.start = start
        self.start_ms = day_ms(start)
        self.end_ms = self.start_ms + days * D_MS
        self.dormant_t0 = None


class Key:
    """One credential: token, owner behaviour, active window and attacker events."""

    __slots__ = ("idx", "token", "kid", "style", "family", "scenario", "label", "base", "owner",
                 "active_from", "active_until", "attack", "misuse_start", "auth", "host",
                 "notes")

    def __init__(self, idx, token, style, scenario, label, owner):
        self.idx = idx
        self.token = token
        self.kid = key_id(token)
        self.style = style
        self.family = FAMILY_NAME[style]
        self.scenario = scenario
        self.label = label
        self.base = owner.kind
        self.owner = owner
        self.active_from = 0
        self.active_until = 1 << 62
        self.attack = []
        self.misuse_start = None
        self.host = API_HOSTS[owner.profile.api]
        if style == "github":
            pre = "token " if (idx % 3) else "Bearer "
            self.auth = ',"authorization":"%s%s"' % (pre, token)
        elif style in ("xapikey", "pk"):
            self.auth = ',"x-api-key":"%s"' % token
        else:
            self.auth = ',"authorization":"Bearer %s"' % token
        self.notes = ""


def make_token(rng, style):
    if style == "github":
        return github_token(rng)
    if style == "stripe":
        return "sk_live_" + rand_alnum(rng, rng.choice([24, 32, 99]))
    if style == "pk":
        return "pk_live_" + rand_alnum(rng, rng.choice([24, 32, 99]))
    return rand_alnum(rng, rng.choice([32, 40, 48, 64]))


def make_owner(rng, world, base, api, home=None):
    if base == "human":
        if home is None:
            home = world.cities[weighted(rng, list(HOME_WEIGHTS.items()))]
        return Human(rng, world, api, home)
    if base == "service":
        return Service(rng, world, api)
    if base == "ci":
        return CI(rng, world, api)
    return Public(rng, world, api)


def plan_trips(rng, world, owner, cfg):
    """One or two trips abroad at flight speed: segments of (start, end, city, hotel, mobile)."""
    home = owner.home
    dests = [c for c in world.cities.values() if c.cc != home.cc and
             distance_km(home, c) >= 500]
    segs = []
    here = home
    here_start = -(1 << 62)
    day = rng.randint(8, max(9, cfg.days - 14))
    for _ in range(rng.randint(1, 2)):
        dest = rng.choice([c for c in dests if c.id != here.id])
        ld = (cfg.start_ms + day * D_MS + utc_offset_ms(here, cfg.start_ms + day * D_MS)) // D_MS
        depart = local_to_utc(here, ld, rng.randint(11 * 60, 18 * 60) * MIN_MS)
        flight = int(distance_km(here, dest) / 800.0 * H_MS) + 90 * MIN_MS
        arrive = depart + flight + rng.randint(60, 240) * MIN_MS
        segs.append((here_start, depart, here) + _stay(rng, world, here, home, owner))
        here, here_start = dest, arrive
        day += rng.randint(3, 10)
        if cfg.start_ms + day * D_MS >= cfg.end_ms - 2 * D_MS:
            break
    if rng.random() < 0.7 and cfg.start_ms + day * D_MS < cfg.end_ms - D_MS:
        ld = (cfg.start_ms + day * D_MS + utc_offset_ms(here, cfg.start_ms + day * D_MS)) // D_MS
        depart = local_to_utc(here, ld, rng.randint(9 * 60, 15 * 60) * MIN_MS)
        flight = int(distance_km(here, home) / 800.0 * H_MS) + 90 * MIN_MS
        arrive = depart + flight + rng.randint(60, 240) * MIN_MS
        segs.append((here_start, depart, here) + _stay(rng, world, here, home, owner))
        here, here_start = home, arrive
    segs.append((here_start, 1 << 62, here) + _stay(rng, world, here, home, owner))
    return segs


def _stay(rng, world, city, home, owner):
    if city.id == home.id:
        return (None, owner.mobile)
    hotel = world.ops_of("business", city.id)[0].blocks[city.id].benign_addr(rng)
    mob = world.ops_of("mobile", city.id)
    return (hotel, rng.choice(mob) if mob else None)


def build_keys(cfg, world):
    """All keys of the corpus, in index order, with their plans."""
    master = random.Random("keytrail-quality/%d" % cfg.seed)
    counts = scenario_counts(cfg.keys, cfg.days)
    names = []
    for name, n in counts:
        if name == "rotation":
            names += [name] * (n // 2)   # each entry makes two keys
        else:
            names += [name] * n
    master.shuffle(names)
    keys = []
    for sidx, name in enumerate(names):
        rng = random.Random("keytrail-quality/%d/%d" % (cfg.seed, sidx))
        for k in build_scenario(name, rng, world, cfg, len(keys)):
            keys.append(k)
    return keys


def scenario_counts(n, days):
    """Keys per scenario for a corpus of n keys (largest remainder; rotation even)."""
    usable = [s for s in SCENARIOS if not (s[0] == "dormant" and
                                           days < MIN_BASELINE_DAYS + DORMANT_GAP_DAYS + 1)]
    total_w = float(sum(s[2] for s in usable))
    raw = [(s[0], n * s[2] / total_w) for s in usable]
    counts = {name: int(x) for name, x in raw}
    rest = n - sum(counts.values())
    for name, x in sorted(raw, key=lambda p: (p[1] - int(p[1])), reverse=True)[:rest]:
        counts[name] += 1
    if counts.get("rotation", 0) % 2:
        counts["rotation"] -= 1
        counts["human"] += 1
    return [(s[0], counts[s[0]]) for s in usable]


def build_scenario(name, rng, world, cfg, idx):
    _, label, _, bases = SCENARIO_INFO[name]
    base = weighted(rng, bases)
    style = weighted(rng, FAMILY_BY_BASE[base])
    api = API_BY_STYLE[style]
    owner = make_owner(rng, world, base, api)
    key = Key(idx, make_token(rng, style), style, name, label, owner)
    keys = [key]
    S, E = cfg.start_ms, cfg.end_ms
    late_day = lambda lo, hi_margin: rng.randint(lo, max(lo, cfg.days - hi_margin))  # noqa

    if name == "human" and rng.random() < 0.15:
        first = (S + late_day(3, 8) * D_MS) // D_MS
        owner.vacation = (first, first + rng.randint(3, 7))
    elif name == "travel":
        owner.trips = plan_trips(rng, world, owner, cfg)
        key.notes = "->".join(seg[2].id for seg in owner.trips)
    elif name == "new_office":
        t = S + late_day(12, 6) * D_MS
        if isinstance(owner, Human):
            how = weighted(rng, [("same_isp_new_net", 2), ("same_isp_other_city", 1),
                                 ("same_city_other_isp", 1)])
            if how == "same_isp_new_net":
                ips = [owner.office_isp.blocks[owner.home.id].benign_addr(rng)]
            elif how == "same_isp_other_city":
                others = [c for c in owner.office_isp.blocks if c != owner.home.id]
                if others:
                    ips = [owner.office_isp.blocks[rng.choice(others)].benign_addr(rng)]
                else:
                    how = "same_isp_new_net"
                    ips = [owner.office_isp.blocks[owner.home.id].benign_addr(rng)]
            else:
                ops = [o for o in world.ops_of("residential", owner.home.id)
                       if o is not owner.home_isp]
                ips = [rng.choice(ops).blocks[owner.home.id].benign_addr(rng)]
            owner.remote = False
            owner.office_switch = (t, ips)
            key.notes = how
        else:
            blk = owner.regions[0]
            new = [(blk.benign_addr(rng), 1.0, t, 1 << 62)]
            owner.ips = [(ip, w, s, t) for ip, w, s, _ in owner.ips] + new
            key.notes = "redeploy"
    elif name == "growth":
        t0 = S + rng.randint(3, 10) * D_MS
        g = rng.uniform(2.0, 4.0)
        owner.growth = (t0, E - rng.randint(0, 5) * D_MS, g)
        key.notes = "x%.1f" % g
        if isinstance(owner, Service):
            blk = owner.regions[0]
            for i in range(rng.randint(1, 3)):
                s = t0 + (E - t0) * (i + 1) // 4
                owner.ips.append((blk.benign_addr(rng), 1.0, s, 1 << 62))
            if rng.random() < 0.2 and owner.op_.kind == "cloud":
                other = [b for c, b in owner.op_.blocks.items() if b.city.cc != blk.city.cc]
                if other:
                    nb = rng.choice(other)
                    s = S + late_day(16, 8) * D_MS
                    owner.regions.append(nb)
                    for _ in range(rng.randint(1, 2)):
                        owner.ips.append((nb.benign_addr(rng), 1.0, s, 1 << 62))
                    key.notes += " +region " + nb.city.cc
    elif name == "rotation":
        r = S + late_day(16, 8) * D_MS + rng.randrange(D_MS)
        succ = Key(idx + 1, make_token(rng, style), style, name, label, owner)
        key.active_until = r + (D_MS if rng.random() < 0.3 else rng.randint(1, 6) * H_MS)
        succ.active_from = r
        key.notes = "old"
        succ.notes = "successor"
        keys.append(succ)
    elif name == "new_laptop":
        t = S + late_day(12, 5) * D_MS + rng.randrange(D_MS)
        new = []
        for ua, w in owner.uas:
            if ua.startswith("Mozilla/"):
                new.append((browser_ua(rng, major_bump=rng.randint(1, 3))
                            if rng.random() < 0.5 else _bump_browser(ua), w))
            else:
                new.append((cli_ua(rng, api, bump=1), w))
        owner.ua_switch = (t, new)
    elif name == "errors":
        owner.profile.error_rate = rng.uniform(0.02, 0.08)
        for _ in range(rng.randint(1, 3)):
            s = S + rng.randint(2, cfg.days - 2) * D_MS + rng.randrange(D_MS)
            if isinstance(owner, Human):
                s = owner_active_time(rng, owner, world, (s - S) // D_MS, S)
            status = weighted(rng, [(401, 4), (403, 2), (429, 2), (503, 2)])
            owner.incidents.append((s, s + rng.randint(10, 60) * MIN_MS, status,
                                    rng.uniform(1.0, 3.0)))
        key.notes = ",".join(str(i[2]) for i in owner.incidents)
    elif name == "dst_cron":
        city = world.cities[rng.choice(["ber", "lon", "par", "ams", "nyc", "chi", "sfo", "yto"])]
        owner.cron = (city, rng.randint(60, 300) * MIN_MS, rng.randint(10, 80),
                      rng.randint(5, 40) * MIN_MS)
        key.notes = "cron %s" % city.id
    elif label == "misuse":
        if name == "dormant":
            key.active_until = S + MIN_BASELINE_DAYS * D_MS
            lo = key.active_until + DORMANT_GAP_DAYS * D_MS + rng.randrange(H_MS, 6 * H_MS)
            hi = max(lo + 1, E - 4 * H_MS)
            cfg.dormant_t0 = rng.randrange(lo, hi)
        # Starts on day 16 or later (14 full days after the first use even in UTC-8), and
        # early enough that the thief's first event falls inside the window.
        for _ in range(20):
            t0_day = rng.randint(MIN_BASELINE_DAYS + 2, max(MIN_BASELINE_DAYS + 2,
                                                            cfg.days - 3))
            key.attack = build_attack(name, rng, world, owner, cfg, t0_day)
            if key.attack:
                break
        if not key.attack:
            raise RuntimeError("no attacker events for a %s key; window too short?" % name)
        key.misuse_start = key.attack[0][0]
    return keys


def _bump_browser(ua):
    """The same browser a major version or two later (a new laptop, updated)."""
    for marker in ("Chrome/", "Firefox/", "rv:", "Version/", "Edg/"):
        i = ua.find(marker)
        if i >= 0:
            j = i + len(marker)
            k = j
            while k < len(ua) and ua[k].isdigit():
                k += 1
            ua = ua[:j] + str(int(ua[j:k]) + 2) + ua[k:]
    return ua


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def generate(cfg, outdir, collect=None, quiet=False):
    """Writes the corpus to outdir; returns (keys, stats). collect(event tuple) sees every event
    as written (ts, kidx, ip, ua, method, uri, status, malicious)."""
    t_begin = time.time()
    world = World(cfg.space)
    keys = build_keys(cfg, world)
    corpus = os.path.join(outdir, "corpus")
    os.makedirs(corpus, exist_ok=True)
    for name in os.listdir(corpus):
        if name.endswith(".jsonl.gz"):
            os.unlink(os.path.join(corpus, name))
    with open(os.path.join(outdir, "networks.csv"), "w", encoding="utf-8") as f:
        f.write(world.csv_text())

    auth = [k.auth for k in keys]
    host = [k.host for k in keys]
    first_ts = [None] * len(keys)
    counts = [0] * len(keys)
    mal_counts = [0] * len(keys)
    carry = []
    total = 0
    nbytes = 0
    tty = not quiet and sys.stderr.isatty()
    for day in range(cfg.days):
        day_start = cfg.start_ms + day * D_MS
        day_end = day_start + D_MS
        evs = [e for e in carry if e[0] < day_end]
        carry = [e for e in carry if e[0] >= day_end]
        for k in keys:
            if k.active_from >= day_end or k.active_until <= day_start:
                owner_evs = []
            else:
                owner_evs = []
                rng = random.Random("%d/%d/%d" % (cfg.seed, k.idx, day))
                k.owner.day_events(day_start, rng, k.idx, owner_evs)
                if k.active_from > day_start or k.active_until < day_end:
                    owner_evs = [e for e in owner_evs
                                 if k.active_from <= e[0] < k.active_until]
            evs += owner_evs
            if k.attack:
                lo = bisect.bisect_left(k.attack, (day_start,))
                hi = bisect.bisect_left(k.attack, (day_end,))
                for ts, ip, ua, method, uri, status in k.attack[lo:hi]:
                    evs.append((ts, k.idx, ip, ua, method, uri, status, True))
        keep = []
        for e in evs:
            if e[0] >= day_end:
                if e[0] < cfg.end_ms:
                    carry.append(e)
            else:
                keep.append(e)
        keep.sort()
        date = date_of(day_start)
        prefix = date + "T"
        lines = []
        for e in keep:
            ts, kidx, ip, ua, method, uri, status, mal = e
            ms = ts - day_start
            hh, rem = divmod(ms, H_MS)
            mm, rem = divmod(rem, MIN_MS)
            ss, msec = divmod(rem, 1000)
            lines.append('{"time":"%s%02d:%02d:%02d.%03dZ","client_ip":"%s","method":"%s",'
                         '"uri":"%s","status":%d,"user_agent":"%s","host":"%s"%s}' % (
                             prefix, hh, mm, ss, msec, ip, method, uri, status, ua, host[kidx],
                             auth[kidx]))
            if first_ts[kidx] is None:
                first_ts[kidx] = ts
            counts[kidx] += 1
            if mal:
                mal_counts[kidx] += 1
            if collect is not None:
                collect(e)
        data = ("\n".join(lines) + "\n").encode() if lines else b""
        path = os.path.join(corpus, date + ".jsonl.gz")
        with open(path, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                               compresslevel=2) as gz:
                gz.write(data)
        total += len(lines)
        nbytes += len(data)
        if tty:
            sys.stderr.write("\r%s: %d events" % (date, total))
    if tty:
        sys.stderr.write("\n")

    with open(os.path.join(outdir, "labels.tsv"), "w", encoding="utf-8") as f:
        f.write("key_id\tfamily\tscenario\tlabel\tmisuse_start\tbase\tnotes\n")
        for k in keys:
            f.write("%s\t%s\t%s\t%s\t%s\t%s\t%s\n" % (
                k.kid, k.family, k.scenario, k.label,
                rfc3339(k.misuse_start) if k.misuse_start is not None else "", k.base, k.notes))
    per_scen = {}
    for k in keys:
        d = per_scen.setdefault(k.scenario, {"label": k.label, "keys": 0, "events": 0,
                                             "malicious_events": 0})
        d["keys"] += 1
        d["events"] += counts[k.idx]
        d["malicious_events"] += mal_counts[k.idx]
    stats = {
        "seed": cfg.seed, "keys": len(keys), "days": cfg.days, "start": cfg.start,
        "end": rfc3339(cfg.end_ms), "events": total, "bytes_uncompressed": nbytes,
        "bytes_gzip": sum(os.path.getsize(os.path.join(corpus, n)) for n in os.listdir(corpus)),
        "seconds": round(time.time() - t_begin, 2), "scenarios": per_scen,
        "keys_without_events": sum(1 for c in counts if c == 0),
    }
    with open(os.path.join(outdir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f, indent=2, sort_keys=True)
        f.write("\n")
    return keys, stats


# ---------------------------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------------------------

class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed.append(what)
        return cond


def files_digest(outdir):
    h = hashlib.sha256()
    for root in ("corpus", ""):
        d = os.path.join(outdir, root)
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            if os.path.isfile(p) and name != "manifest.json":
                h.update(name.encode())
                with open(p, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


def self_check(nkeys, keytrail=None, seed=7, space="private"):
    """Generates corpora and checks every invariant the scorer and the lead rely on."""
    c = Checker()
    world = World(space)
    with tempfile.TemporaryDirectory(prefix="kt-quality-") as tmp:
        cfg = Config(seed, nkeys, DEFAULT_DAYS, DEFAULT_START, space)
        seen = []
        keys, stats = generate(cfg, os.path.join(tmp, "a"), collect=seen.append, quiet=True)
        check_world(c, world)
        check_keys(c, keys, cfg)
        check_files(c, keys, seen, cfg, os.path.join(tmp, "a"))
        check_events(c, world, keys, seen, cfg)
        # Deterministic for a seed, different for another seed.
        generate(Config(seed, nkeys, DEFAULT_DAYS, DEFAULT_START, space),
                 os.path.join(tmp, "b"), quiet=True)
        c.check(files_digest(os.path.join(tmp, "a")) == files_digest(os.path.join(tmp, "b")),
                "same seed gives byte-identical output")
        generate(Config(seed + 1, nkeys, DEFAULT_DAYS, DEFAULT_START, space),
                 os.path.join(tmp, "c"), quiet=True)
        with open(os.path.join(tmp, "a", "labels.tsv")) as fa, \
                open(os.path.join(tmp, "c", "labels.tsv")) as fc:
            c.check(fa.read() != fc.read(), "another seed gives other keys")
        if keytrail:
            check_ids_with_binary(c, keys, keytrail)
    return c, stats


def check_world(c, world):
    prev_end = 0
    for b in world.blocks:
        c.check(b.base >= prev_end, "blocks do not overlap (%s)" % b.cidr())
        prev_end = b.base + b.size
        c.check(b.base % b.size == 0, "block %s is aligned" % b.cidr())
    for cid in world.cities:
        c.check(len(world.ops_of("residential", cid)) >= 2, "two residential ISPs in " + cid)
        c.check(len(world.ops_of("business", cid)) >= 1, "a business ISP in " + cid)
        c.check(len(world.ops_of("mobile", cid)) >= 1, "a mobile carrier in " + cid)
    rows = world.csv_text().splitlines()
    c.check(rows[0] == "network,country_iso_code,country_name,city,latitude,longitude,asn,"
            "as_org", "networks.csv header")
    c.check(all(len(r.split(",")) == 8 for r in rows), "networks.csv has 8 columns per row")
    c.check(len({c_.cc for c_ in world.cities.values()}) >= 12, "at least 12 countries")
    # DST: Berlin is UTC+2 before 2026-10-25 01:00Z and UTC+1 after; New York -4 then -5.
    ber, nyc, syd = world.cities["ber"], world.cities["nyc"], world.cities["syd"]
    t = day_ms("2026-10-25") + H_MS
    c.check(utc_offset_ms(ber, t - 1) == 2 * H_MS and utc_offset_ms(ber, t) == H_MS, "EU DST end")
    t = day_ms("2026-11-01") + 6 * H_MS
    c.check(utc_offset_ms(nyc, t - 1) == -4 * H_MS and utc_offset_ms(nyc, t) == -5 * H_MS,
            "US DST end")
    c.check(utc_offset_ms(syd, day_ms("2026-10-10")) == 11 * H_MS, "AU daylight time in October")
    c.check(local_to_utc(ber, day_ms("2026-10-26") // D_MS, 9 * H_MS) ==
            day_ms("2026-10-26") + 8 * H_MS, "local_to_utc after DST end")


def check_keys(c, keys, cfg):
    c.check(len(keys) == cfg.keys, "as many keys as asked (%d)" % len(keys))
    c.check(key_id(KEY_ID_VECTOR[0]) == KEY_ID_VECTOR[1], "key id matches the reference vector")
    c.check(len({k.kid for k in keys}) == len(keys), "key ids are unique")
    scen = {k.scenario for k in keys}
    c.check(scen == {s[0] for s in SCENARIOS}, "every scenario present: missing %s" %
            sorted({s[0] for s in SCENARIOS} - scen))
    for k in keys:
        tok = k.token
        if k.style == "github":
            c.check(github_checksum_ok(tok), "GitHub token checksum of key %d" % k.idx)
            # A corrupted checksum must be caught by the checker itself.
            bad = tok[:-1] + ("A" if tok[-1] != "A" else "B")
            c.check(not github_checksum_ok(bad), "checksum check rejects a bad token")
        elif k.style == "stripe":
            c.check(tok.startswith("sk_live_") and len(tok) >= 32 and tok[8:].isalnum(),
                    "stripe secret key shape")
        elif k.style == "pk":
            c.check(tok.startswith("pk_live_") and len(tok) >= 32, "publishable key shape")
        else:
            c.check(len(tok) >= 32 and tok.isalnum(), "generic token shape")
        c.check((k.label == "misuse") == (k.misuse_start is not None),
                "misuse_start iff misuse (key %d)" % k.idx)


def check_files(c, keys, seen, cfg, outdir):
    """The files say what was generated: sorted days, parseable lines, labels without tokens."""
    by_token = {k.token: k for k in keys}
    per_key = [0] * len(keys)
    corpus = os.path.join(outdir, "corpus")
    names = sorted(os.listdir(corpus))
    c.check(len(names) == cfg.days, "one file per day (%d)" % len(names))
    n_lines = 0
    order_ok = True
    day_ok = True
    parse_ok = True
    match_ok = True
    for name in names:
        day_start = day_ms(name[:10])
        prev = None
        with gzip.open(os.path.join(corpus, name), "rt", encoding="utf-8") as f:
            for line in f:
                try:
                    obj = json.loads(line)
                except ValueError:
                    parse_ok = False
                    continue
                tstr = obj["time"]
                t = day_ms(tstr[:10]) + int(tstr[11:13]) * H_MS + int(tstr[14:16]) * MIN_MS + \
                    int(tstr[17:19]) * 1000 + int(tstr[20:23])
                if prev is not None and t < prev:
                    order_ok = False
                prev = t
                if not day_start <= t < day_start + D_MS:
                    day_ok = False
                cred = obj.get("authorization", obj.get("x-api-key", ""))
                tok = cred.split(" ", 1)[1] if " " in cred else cred
                k = by_token.get(tok)
                if k is None or not {"client_ip", "method", "uri", "status",
                                     "user_agent"} <= obj.keys():
                    match_ok = False
                    continue
                exp = seen[n_lines]
                if exp[1] != k.idx or exp[0] != t or exp[2] != obj["client_ip"]:
                    match_ok = False
                per_key[k.idx] += 1
                n_lines += 1
    c.check(parse_ok, "every line is JSON")
    c.check(order_ok, "events sorted by time within each file")
    c.check(day_ok, "each file holds only its own UTC day")
    c.check(match_ok, "file contents match what was generated, line by line")
    c.check(n_lines == len(seen), "line count matches (%d vs %d)" % (n_lines, len(seen)))
    c.check(all(n >= 10 for n in per_key), "every key has events (min %d)" % min(per_key))
    for aux in ("labels.tsv", "manifest.json", "networks.csv"):
        with open(os.path.join(outdir, aux), encoding="utf-8") as f:
            text = f.read()
        c.check(not any(k.token in text for k in keys), "no token in " + aux)
    with open(os.path.join(outdir, "labels.tsv"), encoding="utf-8") as f:
        rows = [r.rstrip("\n").split("\t") for r in f]
    c.check(rows[0][:5] == ["key_id", "family", "scenario", "label", "misuse_start"],
            "labels header")
    c.check(len(rows) == len(keys) + 1, "one label per key")
    c.check(all(r[0] == k.kid and r[3] == k.label for r, k in zip(rows[1:], keys)),
            "labels agree with the keys")


def check_events(c, world, keys, seen, cfg):
    per = [[] for _ in keys]
    for e in seen:
        per[e[1]].append(e)
    attacker_ip_ok = True
    benign_ip_ok = True
    outside = 0
    block_cache = {}

    def blk(ip):
        b = block_cache.get(ip)
        if b is None:
            b = world.block_of(ip)
            block_cache[ip] = b
        return b

    for k, evs in zip(keys, per):
        mal = [e for e in evs if e[7]]
        own = [e for e in evs if not e[7]]
        for e in evs:
            b = blk(e[2])
            if b is None:
                outside += 1
                continue
            if e[7] and not b.is_attacker(ip_int(e[2])):
                attacker_ip_ok = False
            if not e[7] and b.is_attacker(ip_int(e[2])):
                benign_ip_ok = False
        if k.label == "benign":
            c.check(not mal, "benign key %d has no attacker events" % k.idx)
            continue
        c.check(bool(mal), "misuse key %d has attacker events" % k.idx)
        if not mal:
            continue
        c.check(mal[0][0] == k.misuse_start, "misuse_start is the first attacker event (key %d)"
                % k.idx)
        c.check(all(e[0] >= k.misuse_start for e in mal), "attacker only after misuse_start")
        c.check(bool(own) and k.misuse_start - own[0][0] >= MIN_BASELINE_DAYS * D_MS,
                "misuse after >= %d days of normal use (key %d)" % (MIN_BASELINE_DAYS, k.idx))
        ocs = k.owner.countries()
        mcc = {blk(e[2]).city.cc for e in mal}
        m_uas = {e[3] for e in mal}
        o_uas = {e[3] for e in own}
        if k.scenario in ("foreign_lowvol", "parallel"):
            c.check(not (mcc & ocs), "%s: attacker country new to the key" % k.scenario)
        if k.scenario == "parallel":
            near = [e for e in own if abs(e[0] - k.misuse_start) <= 6 * H_MS]
            c.check(bool(near), "parallel: owner active around the misuse start (key %d)" % k.idx)
            far = min(distance_km(blk(mal[0][2]).city, x) for x in k.owner.cities())
            c.check(far >= 2500, "parallel: thief far from the owner")
        if k.scenario == "spike":
            # The densest 10 minutes of the thief against the owner's median active hour.
            ts = [e[0] for e in mal]
            peak = j = 0
            for i in range(len(ts)):
                while ts[i] - ts[j] >= 10 * MIN_MS:
                    j += 1
                peak = max(peak, i - j + 1)
            oh = {}
            for e in own:
                oh[e[0] // H_MS] = oh.get(e[0] // H_MS, 0) + 1
            med = sorted(oh.values())[len(oh) // 2] if oh else 1
            c.check(peak * 6 >= 15 * med,
                    "spike: >= 15x the owner's rate (key %d: %d in 10 min vs %d an hour)"
                    % (k.idx, peak, med))
        if k.scenario == "offhours":
            home = k.owner.home if isinstance(k.owner, Human) else k.owner.team
            c.check(mcc == {home.cc}, "offhours: thief in the owner's country")
            oasn = {blk(e[2]).op.asn for e in own}
            c.check(all(blk(e[2]).op.asn not in oasn for e in mal),
                    "offhours: thief's ISP unused by the owner")
            c.check(all(blk(e[2]).op.kind == "residential" for e in mal),
                    "offhours: thief on a residential ISP")
            c.check(all(local_parts(home, e[0])[1] < 7 for e in mal),
                    "offhours: thief active at night (key %d)" % k.idx)
        if k.scenario == "recon":
            errs = sum(1 for e in mal if e[6] >= 400)
            c.check(errs >= 0.5 * len(mal), "recon: mostly errors")
        if k.scenario == "new_tool":
            c.check(not ({ua_product(u) for u in m_uas} & {ua_product(u) for u in o_uas}),
                    "new_tool: the thief's tool is new to the key (key %d)" % k.idx)
        if k.scenario == "dormant":
            c.check(k.misuse_start - own[-1][0] >= DORMANT_GAP_DAYS * D_MS,
                    "dormant: silent for %d days before the revival" % DORMANT_GAP_DAYS)
    c.check(outside == 0, "every address lies in a networks.csv block (%d outside)" % outside)
    c.check(attacker_ip_ok, "attacker events come from attacker pools only")
    c.check(benign_ip_ok, "owner and benign events never use attacker addresses")
    check_rhythms(c, world, keys, per, blk)
    check_drift(c, world, keys, per, blk, cfg)


def check_rhythms(c, world, keys, per, blk):
    wk = we = office = tot = 0
    for k, evs in zip(keys, per):
        if k.scenario != "human":
            continue
        for e in evs:
            ld, lh, wd = local_parts(k.owner.home, e[0])
            tot += 1
            if wd < 5:
                wk += 1
            else:
                we += 1
            if 7 <= lh < 20:
                office += 1
    c.check(tot > 0 and wk / 5.0 > 4 * (we / 2.0), "humans: weekdays busier than weekends "
            "(%d vs %d)" % (wk, we))
    c.check(tot > 0 and office >= 0.75 * tot, "humans: mostly office hours (%d of %d)"
            % (office, tot))
    for k, evs in zip(keys, per):
        if k.scenario == "service":
            hours = {(e[0] // H_MS) % 24 for e in evs}
            c.check(len(hours) >= 20, "service %d active around the clock (%d hours)"
                    % (k.idx, len(hours)))
            c.check(len({e[2] for e in evs}) <= 2, "service %d uses at most 2 addresses" % k.idx)
            c.check(len({e[3] for e in evs}) == 1, "service %d uses one agent" % k.idx)
        if k.scenario == "ci":
            c.check(len({e[2] for e in evs}) >= 10, "ci %d fans out over many addresses"
                    % k.idx)
            c.check(len({blk(e[2]).op.asn for e in evs}) == 1, "ci %d stays with one provider"
                    % k.idx)
        if k.scenario == "public":
            c.check(len({blk(e[2]).city.cc for e in evs}) >= 4, "public %d used from 4+ "
                    "countries" % k.idx)


def check_drift(c, world, keys, per, blk, cfg):
    for k, evs in zip(keys, per):
        if k.scenario == "travel":
            # Never faster than an airliner between consecutive uses in different cities.
            fast = 0
            for a, b in zip(evs, evs[1:]):
                ca, cb = blk(a[2]).city, blk(b[2]).city
                if ca.id != cb.id:
                    d = distance_km(ca, cb)
                    hrs = max(1e-9, (b[0] - a[0]) / float(H_MS))
                    if d > 1000 and d / hrs > 1000:
                        fast += 1
            c.check(fast == 0, "travel %d at plausible speed (%d too fast)" % (k.idx, fast))
            c.check(len({blk(e[2]).city.cc for e in evs}) >= 2, "travel %d abroad" % k.idx)
        if k.scenario == "rotation" and k.notes == "old":
            c.check(bool(evs) and evs[-1][0] <= k.active_until, "rotated key goes silent")
        if k.scenario == "rotation" and k.notes == "successor":
            c.check(bool(evs) and evs[0][0] >= cfg.start_ms + 14 * D_MS,
                    "successor appears late")
        if k.scenario == "new_laptop":
            t = k.owner.ua_switch[0]
            before = {e[3] for e in evs if e[0] < t}
            after = {e[3] for e in evs if e[0] >= t}
            c.check(bool(after - before), "new_laptop %d: a new agent after the switch" % k.idx)
        if k.scenario == "errors":
            c.check(sum(1 for e in evs if e[6] >= 400) >= 0.01 * len(evs),
                    "errors %d: errors present" % k.idx)
        if k.scenario == "dst_cron":
            city, at_ms = k.owner.cron[0], k.owner.cron[1]
            c.check(utc_offset_ms(city, cfg.start_ms) != utc_offset_ms(city, cfg.end_ms - 1),
                    "dst_cron %d: the window spans a DST change" % k.idx)


def check_ids_with_binary(c, keys, keytrail):
    """The reimplemented key ids and families agree with `keytrail fingerprint`."""
    by_style = {}
    for k in keys:
        by_style.setdefault(k.style, []).append(k)
    sample = [k for ks in by_style.values() for k in ks[:8]]
    for k in sample:
        try:
            res = subprocess.run([keytrail, "fingerprint", "--json", "-"], input=k.token.encode(),
                                 capture_output=True, timeout=30)
        except OSError as exc:
            c.check(False, "cannot run %s: %s" % (keytrail, exc))
            return
        out = res.stdout.decode(errors="replace")
        try:
            obj = json.loads(out.splitlines()[0])
        except (ValueError, IndexError):
            c.check(False, "keytrail fingerprint printed no JSON")
            continue
        c.check(obj.get("key") == k.kid, "key id of a %s key agrees with keytrail" % k.style)
        c.check(obj.get("family") == k.family, "family of a %s key agrees with keytrail (%s)"
                % (k.style, obj.get("family")))
        c.check(k.token not in out, "fingerprint does not print the token")


# ---------------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip(),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="quality-out", help="output directory (default %(default)s)")
    ap.add_argument("--keys", type=int, default=1000, help="number of keys (default 1000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--days", type=int, default=DEFAULT_DAYS,
                    help="days of log time (default %d; dormant keys need 45)" % DEFAULT_DAYS)
    ap.add_argument("--start", default=DEFAULT_START, help="first day, UTC (default %(default)s)")
    ap.add_argument("--space", choices=sorted(SPACES), default="private",
                    help="address plan: private (10/8, 100.64/10; default) or reserved (240/4)")
    ap.add_argument("--self-check", action="store_true",
                    help="generate small corpora in a temporary directory and check invariants")
    ap.add_argument("--keytrail", metavar="BIN",
                    help="with --self-check: also compare key ids with `BIN fingerprint`")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    if args.self_check:
        n = args.keys if args.keys != 1000 else 140
        c, stats = self_check(n, args.keytrail, space=args.space)
        for what in c.failed[:40]:
            print("FAIL: %s" % what)
        print("self-check: %d checks passed, %d failed (%d keys, %d events, %.1fs per corpus)"
              % (c.passed, len(c.failed), stats["keys"], stats["events"], stats["seconds"]))
        return 1 if c.failed else 0
    if args.keys < 40:
        ap.error("--keys must be at least 40 (every scenario needs keys)")
    if args.days < MIN_BASELINE_DAYS + 4:
        ap.error("--days must be at least %d" % (MIN_BASELINE_DAYS + 4))
    try:
        day_ms(args.start)
    except (ValueError, OverflowError):
        ap.error("--start must be YYYY-MM-DD")
    cfg = Config(args.seed, args.keys, args.days, args.start, args.space)
    _, stats = generate(cfg, args.out, quiet=args.quiet)
    if not args.quiet:
        print("%d keys, %d events, %.1f MB (%.1f MB gzip) in %.1fs -> %s" % (
            stats["keys"], stats["events"], stats["bytes_uncompressed"] / 1e6,
            stats["bytes_gzip"] / 1e6, stats["seconds"], args.out))
        for name, d in sorted(stats["scenarios"].items(), key=lambda p: (p[1]["label"], p[0])):
            print("  %-15s %-7s %4d keys %8d events" % (name, d["label"], d["keys"],
                                                       d["events"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
