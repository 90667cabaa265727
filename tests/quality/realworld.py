"""The world of the real-geography corpus: operators, addresses and places taken from real City
and ASN databases (realgen.py builds keys and events on top of it).

Addresses come from the real ASN rows of chosen operators (cloud providers, hosting and VPN
companies, residential and mobile carriers); each address is located with a real City database,
whatever precision it has there (a city, or only a country). Nothing about a place is invented.

Inputs (either full databases or the small extract shipped in samples/geo/.dbip-lite/):
  ASN: the ip-location-db CSV layout (ip_range_start,ip_range_end,asn,organisation);
  City: a .mmdb file (DB-IP lite, GeoLite2, ip-location-db's flat or MaxMind schema), or the
        ip-location-db city CSV layout (start,end,country,state1,state2,city,postcode,lat,lon,tz).
"""
import bisect
import csv
import math
import os

import mmdb

# Operators by what their networks are. Numbers only: names come from the ASN data itself.
# Cloud: where services, CI runners and Lambda functions run (also thieves renting a machine).
CLOUD = [16509, 14618, 8075, 396982, 15169, 14061, 24940, 16276, 63949, 20473, 31898]
AWS = [16509, 14618]
AZURE = [8075]          # GitHub-hosted Actions runners run in Azure
GCP = [396982, 15169]
# Rented servers and VPN egress (commercial VPNs rent from these).
VPS = [14061, 24940, 16276, 63949, 20473, 51167, 9009, 60068, 212238]
VPN = [9009, 60068, 212238, 136787, 39351]
# Access networks (fixed lines) with their home country; mobile carriers apart.
ACCESS = {7922: "US", 20115: "US", 7018: "US", 701: "US", 22773: "US", 812: "CA", 577: "CA",
          2856: "GB", 5089: "GB", 3320: "DE", 3209: "DE", 3215: "FR", 12322: "FR", 5410: "FR",
          3352: "ES", 3269: "IT", 1136: "NL", 33915: "NL", 5617: "PL", 8708: "RO", 3301: "SE",
          3303: "CH", 28573: "BR", 27699: "BR", 24560: "IN", 4713: "JP", 2516: "JP",
          17676: "JP", 4766: "KR", 1221: "AU", 8151: "MX", 9121: "TR", 15895: "UA",
          37457: "ZA", 7473: "SG"}
MOBILE = {21928: "US", 6805: "DE", 55836: "IN", 4804: "AU"}
BUSINESS = [3356, 174]   # transit/business lines offices sit on

H_MS = 3600 * 1000


def ip_str(n):
    return "%d.%d.%d.%d" % (n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255)


def ip_int(s):
    a, b, c, d = (int(x) for x in s.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def distance_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class Loc:
    """Where a City database puts one address, with its real precision."""
    __slots__ = ("cc", "city", "lat", "lon", "radius", "tz_h")

    def __init__(self, cc, city, lat, lon, radius, tz_h):
        self.cc, self.city, self.lat, self.lon, self.radius, self.tz_h = \
            cc, city, lat, lon, radius, tz_h

    @property
    def precise(self):
        return bool(self.city) and (self.radius is None or self.radius <= 200)

    def km(self, other):
        if self.lat is None or other.lat is None:
            return 0.0
        return distance_km(self.lat, self.lon, other.lat, other.lon)

    def name(self):
        return "%s/%s" % (self.cc, self.city or "-")


class CityMMDB:
    def __init__(self, path):
        self.r = mmdb.Reader(path)
        self.path = path

    def lookup(self, ip):
        """(Loc or None, first, last) of the database network holding ip."""
        rec, plen = self.r.lookup4(ip)
        first = ip & ~((1 << (32 - plen)) - 1) & 0xFFFFFFFF if plen < 32 else ip
        last = first | ((1 << (32 - plen)) - 1)
        f = mmdb.city_fields(rec)
        if f is None or not f[0]:
            return None, first, last
        cc, _region, city, lat, lon, radius, _tz = f
        return Loc(cc, city, lat, lon, radius, None if lon is None else round(lon / 15.0)), \
            first, last

    def raw(self, ip):
        rec, _ = self.r.lookup4(ip)
        return mmdb.city_fields(rec)


class CityCSV:
    """The ip-location-db city CSV layout, sorted ranges, looked up by bisection."""

    def __init__(self, path):
        self.path = path
        self.starts, self.rows = [], []
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                if len(row) < 10 or ":" in row[0]:
                    continue
                try:
                    a, b = ip_int(row[0]), ip_int(row[1])
                    lat = float(row[7]) if row[7] else None
                    lon = float(row[8]) if row[8] else None
                except ValueError:
                    continue
                self.starts.append(a)
                self.rows.append((a, b, row[2], row[5], lat, lon))
        order = sorted(range(len(self.starts)), key=self.starts.__getitem__)
        self.starts = [self.starts[i] for i in order]
        self.rows = [self.rows[i] for i in order]

    def lookup(self, ip):
        i = bisect.bisect_right(self.starts, ip) - 1
        if i < 0 or self.rows[i][1] < ip:
            return None, ip, ip
        a, b, cc, city, lat, lon = self.rows[i]
        if not cc:
            return None, a, b
        return Loc(cc, city, lat, lon, None, None if lon is None else round(lon / 15.0)), a, b


def open_city(path):
    with open(path, "rb") as f:
        head = f.read(4096)
    if head[:1].isdigit() and b"," in head:
        return CityCSV(path)
    return CityMMDB(path)


class ASNTable:
    """The ASN rows of the operators the corpus uses: asn -> [(first, last, org)]."""

    def __init__(self, path, wanted):
        self.rows = {}
        self.org = {}
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                if len(row) < 4 or ":" in row[0]:
                    continue
                try:
                    asn = int(row[2])
                except ValueError:
                    continue
                if asn not in wanted:
                    continue
                try:
                    a, b = ip_int(row[0]), ip_int(row[1])
                except ValueError:
                    continue
                self.rows.setdefault(asn, []).append((a, b))
                self.org.setdefault(asn, row[3])
        self.cum = {}
        for asn, rows in self.rows.items():
            rows.sort()
            acc, cum = 0, []
            for a, b in rows:
                acc += math.sqrt(b - a + 1)   # big rows more often, small ones still drawn
                cum.append(acc)
            self.cum[asn] = cum

    def random_ip(self, rng, asn):
        rows, cum = self.rows[asn], self.cum[asn]
        i = min(bisect.bisect_right(cum, rng.random() * cum[-1]), len(rows) - 1)
        a, b = rows[i]
        return rng.randint(a, b), a, b


class Place:
    """One address of an operator as the City database sees it."""
    __slots__ = ("ip", "asn", "kind", "loc", "lo", "hi")

    def __init__(self, ip, asn, kind, loc, lo, hi):
        self.ip, self.asn, self.kind, self.loc, self.lo, self.hi = ip, asn, kind, loc, lo, hi


class World:
    """Sampled places of every operator, grouped by (operator, country, city)."""

    def __init__(self, rng, city_db, asn_path, samples=None):
        self.city = city_db
        wanted = set(CLOUD) | set(VPS) | set(VPN) | set(ACCESS) | set(MOBILE) | set(BUSINESS)
        self.asn = ASNTable(asn_path, wanted)
        self.places = {}        # asn -> [Place]
        self.by_city = {}       # (asn, cc, city) -> [Place]
        self.kind_of = {}
        kinds = [(CLOUD, "cloud"), (VPS, "vps"), (VPN, "vps"), (list(ACCESS), "access"),
                 (list(MOBILE), "mobile"), (BUSINESS, "business")]
        for asns, kind in kinds:
            for asn in asns:
                self.kind_of.setdefault(asn, kind)
        home_cc = dict(ACCESS)
        home_cc.update(MOBILE)
        for asn in sorted(self.asn.rows):
            kind = self.kind_of[asn]
            n = samples or (160 if kind in ("cloud", "vps") else 70)
            got = []
            tries = 0
            while len(got) < n and tries < n * 6:
                tries += 1
                ip, lo, hi = self.asn.random_ip(rng, asn)
                if (ip & 255) in (0, 255):
                    continue
                loc, _, _ = city_db.lookup(ip)
                if loc is None or loc.lat is None:
                    continue
                if asn in home_cc and loc.cc != home_cc[asn]:
                    continue      # a carrier's few foreign ranges are not where its users are
                got.append(Place(ip, asn, kind, loc, max(lo, ip & ~255), min(hi, ip | 255)))
            self.places[asn] = got
            for p in got:
                self.by_city.setdefault((asn, p.loc.cc, p.loc.city), []).append(p)

    def org(self, asn):
        return self.asn.org.get(asn, "AS%d" % asn)

    def have(self, asns):
        return [a for a in asns if self.places.get(a)]

    def near(self, rng, place):
        """Another address of the same /24 and ASN row, located again (its own precision)."""
        ip = rng.randint(max(place.lo, (place.ip & ~255) + 1), min(place.hi, (place.ip | 255) - 1))
        loc, _, _ = self.city.lookup(ip)
        return Place(ip, place.asn, place.kind, loc or place.loc, place.lo, place.hi)

    def pick(self, rng, asns, cc=None, not_cc=None, precise=None):
        cands = []
        for a in asns:
            for p in self.places.get(a, ()):
                if cc is not None and p.loc.cc != cc:
                    continue
                if not_cc is not None and p.loc.cc in not_cc:
                    continue
                if precise is not None and p.loc.precise != precise:
                    continue
                cands.append(p)
        return rng.choice(cands) if cands else None

    def same_city(self, rng, place, asns):
        """A place of one of asns in place's city (or country when none is there)."""
        c = [p for a in asns for p in self.by_city.get((a, place.loc.cc, place.loc.city), ())]
        if not c:
            c = [p for a in asns for p in self.places.get(a, ()) if p.loc.cc == place.loc.cc]
        return rng.choice(c) if c else None

    def access_of(self, cc):
        return [a for a, c in ACCESS.items() if c == cc and self.places.get(a)]

    def mobile_of(self, cc):
        return [a for a, c in MOBILE.items() if c == cc and self.places.get(a)]

    def countries(self):
        return sorted({c for a, c in ACCESS.items() if self.places.get(a)})


def write_extract(world, outdir, source_city):
    """The /24 blocks of every sampled place: their ASN rows cut to the block and every City
    database network inside it, in the ip-location-db CSV layouts `keytrail mkgeo` reads."""
    os.makedirs(outdir, exist_ok=True)
    blocks = {}
    for asn, places in world.places.items():
        for p in places:
            blocks[p.ip >> 8] = (asn, p.lo, p.hi)
    asn_rows, city_rows = [], []
    for b in sorted(blocks):
        asn, lo, hi = blocks[b]
        first, last = max(lo, b << 8), min(hi, (b << 8) | 255)
        asn_rows.append((first, last, asn, world.org(asn)))
        ip = first
        while ip <= last:
            loc, a, z = source_city.lookup(ip)
            raw = source_city.raw(ip)
            end = min(z, last)
            if loc is not None and raw is not None:
                cc, region, city, lat, lon, _radius, tz = raw
                city_rows.append((ip, end, cc, region, "", city, "",
                                  "" if lat is None else "%.4f" % lat,
                                  "" if lon is None else "%.4f" % lon, tz or ""))
            ip = end + 1

    def q(s):
        s = str(s)
        return '"%s"' % s.replace('"', '""') if any(c in s for c in ',"\n') else s

    with open(os.path.join(outdir, "asn-ipv4.csv"), "w", encoding="utf-8") as f:
        for a, b, asn, org in asn_rows:
            f.write("%s,%s,%d,%s\n" % (ip_str(a), ip_str(b), asn, q(org)))
    with open(os.path.join(outdir, "dbip-city-ipv4.csv"), "w", encoding="utf-8") as f:
        for r in city_rows:
            f.write("%s,%s,%s\n" % (ip_str(r[0]), ip_str(r[1]), ",".join(q(x) for x in r[2:])))
    return len(asn_rows), len(city_rows)
