#!/usr/bin/env python3
"""Labelled corpus on real geography: API gateway logs (jsonl) and CloudTrail, with the
benign drift of real fleets and the misuse of real intrusions (issue 7 sections 3 to 5).

Every address is drawn from the real ASN rows of a real operator and located by a real City
database (realworld.py), with the precision that database has. Owners and thieves share
operators and countries; some thieves use the owner's exact client. Standard library only,
deterministic by seed and databases.

usage: realgen.py --city CITY.mmdb|CITY.csv --asn-csv asn-ipv4.csv --out DIR
                  [--keys N] [--seed S] [--days D]
       realgen.py --city FULL.mmdb --asn-csv asn-ipv4.csv --write-extract DIR
"""
import argparse
import base64
import bisect
import gzip
import hashlib
import json
import math
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402  (user agents, API endpoint tables, token shapes, key ids)
import realworld as rw  # noqa: E402

H_MS = 3600 * 1000
D_MS = 24 * H_MS
MIN_MS = 60 * 1000
S_MS = 1000
ACCOUNT = 444455556666
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
MISUSE_DAY = 14          # misuse of a key with a history starts on this day or later

# ---------------------------------------------------------------------------------------------
# Keys and ids
# ---------------------------------------------------------------------------------------------


def aws_key_id(rng, prefix, account=ACCOUNT):
    """An access key id whose characters 4..19 decode to the account (as AWS's do)."""
    z = (1 << 47) | (account << 7) | rng.getrandbits(7)
    raw = z.to_bytes(6, "big") + rng.getrandbits(32).to_bytes(4, "big")
    return prefix + base64.b32encode(raw).decode()


def aws_kid(akid):
    return "kt1-" + hashlib.sha256(b"keytrail-key-v1\0aws\0" + akid.encode()).hexdigest()[:24]


def uuid(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:])


class Key:
    def __init__(self, idx, scenario, label, base, fmt):
        self.idx = idx
        self.scenario = scenario
        self.label = label
        self.base = base
        self.fmt = fmt              # "http" or "ct"
        self.kid = None
        self.family = None
        self.auth = ""
        self.host = ""
        self.akid = None
        self.token = None
        self.ident = None
        self.misuse_start = None
        self.notes = ""
        self.label_only = False     # no events of its own, but the scan sees it
        self.events = []            # http: (t, ip, ua, method, uri, status, mal)
        # ct: (t, ip, ua, source, name, error, req, resp, mal, ident or None)

    def http(self, t, place_ip, ua, method, uri, status, mal=False):
        self.events.append((t, place_ip, ua, method, uri, status, mal))

    def ct(self, t, ip, ua, source, name, error=None, req=None, resp=None, mal=False,
           ident=None):
        t -= t % 1000          # CloudTrail's eventTime has whole seconds
        self.events.append((t, ip, ua, source, name, error, req, resp, mal, ident))

    def mark(self, t):
        if self.misuse_start is None or t < self.misuse_start:
            self.misuse_start = t


HTTP_STYLES = {  # style -> (family, api)
    "bearer": ("generic", "internal"), "github": ("github", "ghes"),
    "stripe": ("stripe", "payments"), "xapikey": ("generic", "data"),
    "pk": ("stripe", "checkout"),
}


def http_key(k, rng, style):
    fam, api = HTTP_STYLES[style]
    if style == "github":
        tok = gen.github_token(rng)
        k.auth = ',"authorization":"%s%s"' % (rng.choice(["token ", "Bearer "]), tok)
    elif style == "stripe":
        tok = "sk_live_" + gen.rand_alnum(rng, rng.choice([24, 32, 99]))
        k.auth = ',"authorization":"Bearer %s"' % tok
    elif style == "pk":
        tok = "pk_live_" + gen.rand_alnum(rng, rng.choice([24, 32, 99]))
        k.auth = ',"x-api-key":"%s"' % tok
    elif style == "xapikey":
        tok = gen.rand_alnum(rng, rng.choice([32, 40, 48]))
        k.auth = ',"x-api-key":"%s"' % tok
    else:
        tok = gen.rand_alnum(rng, rng.choice([32, 40, 48, 64]))
        k.auth = ',"authorization":"Bearer %s"' % tok
    k.kid = gen.key_id(tok)
    k.token = tok
    k.family = fam
    k.host = gen.API_HOSTS[api]
    k.api = api
    return api


IAM_USERS = {}
MINTED = []     # (access key id, time, creator key id) of keys a thief created and never used


def iam_user_ident(rng, user, akid):
    pid = IAM_USERS.setdefault(user, "AIDA" + "".join(rng.choice(B32) for _ in range(17)))
    return {"type": "IAMUser", "principalId": pid,
            "arn": "arn:aws:iam::%d:user/%s" % (ACCOUNT, user), "accountId": str(ACCOUNT),
            "accessKeyId": akid, "userName": user}


def role_ident(role, roleid, session, akid, created_ms):
    return {"type": "AssumedRole", "principalId": "%s:%s" % (roleid, session),
            "arn": "arn:aws:sts::%d:assumed-role/%s/%s" % (ACCOUNT, role, session),
            "accountId": str(ACCOUNT), "accessKeyId": akid,
            "sessionContext": {"sessionIssuer": {
                "type": "Role", "principalId": roleid,
                "arn": "arn:aws:iam::%d:role/%s" % (ACCOUNT, role), "accountId": str(ACCOUNT),
                "userName": role}, "webIdFederationData": {},
                "attributes": {"creationDate": iso(created_ms, False),
                               "mfaAuthenticated": "false"}}}


def ct_key(k, rng, user, prefix="AKIA"):
    k.akid = aws_key_id(rng, prefix)
    k.kid = aws_kid(k.akid)
    k.family = "aws"
    k.ident = iam_user_ident(rng, user, k.akid)


def iso(t, ms=True):
    g = time.gmtime(t // 1000)
    s = "%04d-%02d-%02dT%02d:%02d:%02d" % g[:6]
    return s + (".%03dZ" % (t % 1000) if ms else "Z")


# ---------------------------------------------------------------------------------------------
# Time helpers
# ---------------------------------------------------------------------------------------------

class Clock:
    def __init__(self, start, days):
        self.start = gen.day_ms(start)
        self.days = days
        self.end = self.start + days * D_MS

    def day(self, d):
        return self.start + d * D_MS


def local_hours(rng, profile, n):
    """n local hours (float) drawn from an hourly activity profile."""
    cum, acc = [], 0.0
    for w in profile:
        acc += w
        cum.append(acc)
    out = []
    for _ in range(n):
        x = rng.random() * acc
        h = next(i for i, c in enumerate(cum) if c > x)
        out.append(h + rng.random())
    return out


def weekday(t):
    return time.gmtime(t // 1000).tm_wday      # 0 = Monday


def session_times(rng, t, n, gap_lo=2, gap_hi=90):
    out = []
    for _ in range(n):
        out.append(t)
        t += int(rng.uniform(gap_lo, gap_hi) * S_MS)
    return out


# ---------------------------------------------------------------------------------------------
# User agents
# ---------------------------------------------------------------------------------------------

AWS_SDK_UAS = [
    "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/s3#1.58.2",
    "Boto3/1.35.20 md/Botocore#1.35.20 ua/2.0 os/linux#6.1.109-118.189.amzn2023.x86_64 "
    "md/arch#x86_64 lang/python#3.12.5 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.20",
    "aws-sdk-java/2.25.60 Linux/6.1.109-118.189.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11"
    "+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
    "aws-sdk-js/3.637.0 ua/2.0 os/linux#6.1.109 lang/js md/nodejs#20.17.0 api/sqs#3.637.0",
]
AWS_SDK_NEXT = {  # an upgrade of each
    AWS_SDK_UAS[0]: AWS_SDK_UAS[0].replace("1.30.3", "1.32.6").replace("1.58.2", "1.66.3"),
    AWS_SDK_UAS[1]: AWS_SDK_UAS[1].replace("1.35.20", "1.35.71").replace("3.12.5", "3.12.7"),
    AWS_SDK_UAS[2]: AWS_SDK_UAS[2].replace("2.25.60", "2.29.20"),
    AWS_SDK_UAS[3]: AWS_SDK_UAS[3].replace("3.637.0", "3.699.0"),
}
LAMBDA_UA = ("Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.224-233.880.amzn2.x86_64 "
             "md/arch#x86_64 lang/python#3.12.5 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 "
             "cfg/retry-mode#legacy Botocore/1.34.145")
CLI_MAC = ("aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.6.0 md/arch#arm64 "
           "lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source "
           "md/prompt#off md/command#%s")
CLI_MAC_NEW = CLI_MAC.replace("2.17.20", "2.22.4").replace("0.20.11", "0.23.1")
CLI_CI = ("aws-cli/2.18.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0-1015-azure md/arch#x86_64 "
          "lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe "
          "md/distrib#ubuntu.24 md/prompt#off md/command#%s")
GHA_UA = "configure-aws-credentials-for-github-actions"
ATTACK_AWS_UAS = [
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off "
    "command/%s",
    "Boto3/1.34.50 Python/3.11.8 Linux/6.6.15-amd64 Botocore/1.34.50 Pacu",
    "Boto3/1.26.120 Python/3.10.12 Linux/5.15.0-105-generic Botocore/1.29.120",
    "aws-cli/2.13.25 Python/3.11.5 Windows/10 exe/AMD64 prompt/off command/%s",
    "stratus-red-team_2a1f9bce-3a51-4c35-9d1c-5e5d2d10a2e1",
]

# ---------------------------------------------------------------------------------------------
# Owners of HTTP keys
# ---------------------------------------------------------------------------------------------


class Human:
    """Office hours in the home time zone; office, home (dynamic address) and mobile."""

    def __init__(self, rng, world, api, cc=None):
        self.world = world
        cc = cc or rng.choice(world.countries())
        self.cc = cc
        self.home = world.pick(rng, world.access_of(cc))
        off = world.same_city(rng, self.home, world.have(rw.BUSINESS) + world.access_of(cc))
        self.office = off if rng.random() < 0.7 else None
        mob = world.mobile_of(cc)
        self.mobile = mob if mob and rng.random() < 0.4 else []
        self.tz = self.home.loc.tz_h or 0
        self.shift = rng.uniform(-1, 1)
        self.rate = gen.loguniform(rng, 6, 40)      # requests on a working day
        self.profile = gen.Profile(rng, api, rng.uniform(0.003, 0.02))
        if rng.random() < 0.6:
            self.uas = [gen.browser_ua(rng)]
        else:
            self.uas = [gen.cli_ua(rng, api)]
        if rng.random() < 0.3:
            self.uas.append(gen.cli_ua(rng, api))
        self.ua_switch = None          # (t, new uas)
        self.trips = []                # (leave, arrive, back_leave, back_arrive, place)
        self.vpn = None                # (share of sessions, [vpn places])
        self.home_ip = self.home
        self.home_until = 0

    def where(self, rng, t, weekday_):
        for lv, ar, bl, ba, place in self.trips:
            if lv <= t < ar or bl <= t < ba:
                return None              # in the air
            if ar <= t < bl:
                return place
        if self.vpn and rng.random() < self.vpn[0]:
            return rng.choice(self.vpn[1])
        if self.mobile and rng.random() < 0.15:
            return self.world.pick(rng, self.mobile, cc=self.cc)
        if weekday_ < 5 and self.office and rng.random() < 0.7:
            return self.office
        if t >= self.home_until:
            self.home_ip = self.world.near(rng, self.home) if rng.random() < 0.5 else \
                (self.world.same_city(rng, self.home, [self.home.asn]) or self.home)
            self.home_until = t + rng.randint(5, 20) * D_MS
        return self.home_ip

    def tz_at(self, t):
        for lv, ar, bl, ba, place in self.trips:
            if ar <= t < bl:
                return place.loc.tz_h or 0
        return self.tz

    def ua(self, rng, t):
        uas = self.uas
        if self.ua_switch and t >= self.ua_switch[0]:
            uas = self.ua_switch[1]
        return rng.choice(uas)

    def run(self, k, rng, clock, t_from, t_to):
        for d in range(clock.days):
            day0 = clock.day(d)
            if day0 + D_MS <= t_from or day0 >= t_to:
                continue
            tz = self.tz_at(day0 + 12 * H_MS)
            wd = weekday(day0 + 12 * H_MS)
            n = gen.poisson(rng, self.rate * (1.0 if wd < 5 else 0.15))
            sessions = max(1, n // 6) if n else 0
            for h in local_hours(rng, gen.WORK_PROFILE, sessions):
                t = day0 + int((h + self.shift - tz) * H_MS)
                if not (t_from <= t < t_to):
                    continue
                place = self.where(rng, t, wd)
                if place is None:
                    continue
                ip = place if place.kind != "mobile" else self.world.near(rng, place)
                ua = self.ua(rng, t)
                for ts in session_times(rng, t, max(1, n // sessions + rng.randint(-2, 2))):
                    m, uri, st = self.profile.pick(rng)
                    k.http(ts, ip.ip, ua, m, uri, st)


class Service:
    """24/7 from one or two addresses of a cloud or hosting region with one SDK agent."""

    def __init__(self, rng, world, api, place=None):
        self.world = world
        self.place = place or world.pick(rng, world.have(rw.CLOUD if rng.random() < 0.8
                                                          else rw.VPS))
        self.ips = [self.world.near(rng, self.place) for _ in range(rng.randint(1, 2))]
        self.rate = gen.loguniform(rng, 0.5, 6)     # per hour
        self.profile = gen.Profile(rng, api, rng.uniform(0.002, 0.02))
        self.uas = [rng.choice(gen.SDK_UAS[api if api in gen.SDK_UAS else "internal"])]
        self.moves = []        # (t_start_overlap, t_old_silent, new ips)
        self.ua_switch = None
        self.batch = None      # (from t, local hour, size)

    def ips_at(self, rng, t):
        ips = self.ips
        for t0, t1, new in self.moves:
            if t >= t1:
                ips = new
            elif t >= t0:
                ips = ips + new
        return ips

    def ua(self, t):
        if self.ua_switch and t >= self.ua_switch[0]:
            return self.ua_switch[1]
        return self.uas[0]

    def run(self, k, rng, clock, t_from, t_to):
        tz = self.place.loc.tz_h or 0
        for d in range(clock.days):
            day0 = clock.day(d)
            if day0 + D_MS <= t_from or day0 >= t_to:
                continue
            wd = weekday(day0 + 12 * H_MS)
            for h in range(24):
                wave = 0.6 + 0.4 * math.sin((h + tz - 8) / 24.0 * 2 * math.pi)
                lam = self.rate * wave * (0.7 if wd >= 5 else 1.0)
                for _ in range(gen.poisson(rng, lam)):
                    t = day0 + h * H_MS + rng.randint(0, H_MS - 1)
                    if t_from <= t < t_to:
                        m, uri, st = self.profile.pick(rng)
                        k.http(t, rng.choice(self.ips_at(rng, t)).ip, self.ua(t), m, uri, st)
            if self.batch and day0 >= self.batch[0]:
                t = day0 + int((self.batch[1] - tz) % 24 * H_MS) + rng.randint(0, 5 * MIN_MS)
                for ts in session_times(rng, t, self.batch[2], 0.5, 6):
                    if t_from <= ts < t_to:
                        m, uri, st = self.profile.pick(rng)
                        k.http(ts, rng.choice(self.ips_at(rng, ts)).ip, self.ua(ts), m, uri, st)


class CIFleet:
    """Pipeline bursts on fresh runner addresses of one provider, over many cities: parallel
    jobs of one push run in different regions minutes apart."""

    def __init__(self, rng, world, api, provider=None):
        self.world = world
        self.provider = provider or world.have(rng.choice([rw.AZURE, rw.AZURE, rw.AWS, rw.GCP]))
        # A provider's runner pool spans many of its places (GitHub-hosted runners: Azure in
        # the US and Europe); take 6-20 of them, whatever cities and countries they are in.
        pool = list(world.places[self.provider[0]])
        for a in self.provider[1:]:
            pool += world.places[a]
        rng.shuffle(pool)
        self.regions = pool[:rng.randint(6, 20)]
        self.profile = gen.Profile(rng, api, rng.uniform(0.002, 0.02))
        self.uas = [rng.choice(gen.CI_UAS)]
        self.tz = rng.choice([-8, -5, 0, 1, 2, 5, 8])
        self.pushes = gen.loguniform(rng, 3, 25)

    def run(self, k, rng, clock, t_from, t_to):
        for d in range(clock.days):
            day0 = clock.day(d)
            wd = weekday(day0 + 12 * H_MS)
            n = gen.poisson(rng, self.pushes * (1.0 if wd < 5 else 0.1))
            starts = [day0 + int((h - self.tz) * H_MS) for h in
                      local_hours(rng, gen.WORK_PROFILE, n)]
            starts.append(day0 + int(((2 - self.tz) % 24) * H_MS) + rng.randint(0, 20 * MIN_MS))
            for t in starts:
                for j in range(rng.choice([1, 1, 2, 3, 4])):
                    runner = self.world.near(rng, rng.choice(self.regions))
                    tj = t + rng.randint(0, 4 * MIN_MS)
                    for ts in session_times(rng, tj, rng.randint(2, 20), 1, 25):
                        if t_from <= ts < t_to:
                            m, uri, st = self.profile.pick(rng)
                            k.http(ts, runner.ip, self.uas[0], m, uri, st)


class Public:
    """A publishable key in a web page: browsers on access and mobile networks worldwide."""

    def __init__(self, rng, world, api):
        self.world = world
        ccs = world.countries()
        rng.shuffle(ccs)
        self.ccs = ccs[:rng.randint(5, len(ccs))]
        self.rate = gen.loguniform(rng, 20, 200)
        self.profile = gen.Profile(rng, api, rng.uniform(0.005, 0.03))
        self.uas = [gen.browser_ua(rng) for _ in range(40)]

    def run(self, k, rng, clock, t_from, t_to):
        for d in range(clock.days):
            day0 = clock.day(d)
            for _ in range(gen.poisson(rng, self.rate)):
                cc = rng.choice(self.ccs)
                asns = self.world.access_of(cc) + self.world.mobile_of(cc)
                p = self.world.pick(rng, asns, cc=cc)
                if p is None:
                    continue
                h = local_hours(rng, gen.PUBLIC_PROFILE, 1)[0]
                t = day0 + int((h - (p.loc.tz_h or 0)) % 24 * H_MS)
                ua = rng.choice(self.uas)
                for ts in session_times(rng, t, rng.randint(1, 4), 1, 20):
                    if t_from <= ts < t_to:
                        m, uri, st = self.profile.pick(rng)
                        k.http(ts, p.ip, ua, m, uri, st)


def plan_trip(rng, world, human, clock):
    """A flight abroad (>= 500 km) and back at airliner speed, staying 3-10 days."""
    home = human.home.loc
    for _ in range(50):
        cc = rng.choice([c for c in world.countries() if c != human.cc])
        dest = world.pick(rng, world.access_of(cc) + world.mobile_of(cc), cc=cc)
        if dest is None:
            continue
        km = home.km(dest.loc)
        if km < 500:
            continue
        fly = int((km / 750.0 + 3) * H_MS)      # airports, boarding, flight at 750 km/h
        leave = clock.day(rng.randint(10, clock.days - 8)) + rng.randint(6, 20) * H_MS
        arrive = leave + fly
        back = arrive + rng.randint(3, 10) * D_MS
        human.trips.append((leave, arrive, back, back + fly, dest))
        return "%s -> %s (%d km)" % (home.name(), dest.loc.name(), km)
    return ""


# ---------------------------------------------------------------------------------------------
# Thieves of HTTP keys
# ---------------------------------------------------------------------------------------------


def thief_place(rng, world, owner_place, how):
    """Where a thief works from. how: same_isp (a residential proxy or a neighbour on the
    owner's own operator and country), same_country, same_provider (a machine rented from the
    owner's cloud), vps (any hosting country), foreign (abroad, access or hosting)."""
    cc = owner_place.loc.cc
    if how == "same_isp":
        p = world.pick(rng, [owner_place.asn], cc=cc)
        if p is not None and p.ip >> 8 != owner_place.ip >> 8:
            return p
        how = "same_country"
    if how == "same_country":
        asns = world.access_of(cc) + world.mobile_of(cc) + world.have(rw.VPS)
        p = world.pick(rng, asns, cc=cc)
        if p is not None:
            return p
        how = "vps"
    if how == "same_provider":
        p = world.pick(rng, [owner_place.asn])
        if p is not None and p.ip >> 8 != owner_place.ip >> 8:
            return p
        how = "vps"
    if how == "foreign":
        asns = world.have(rw.VPS) + list(rw.ACCESS)
        p = world.pick(rng, asns, not_cc={cc})
        if p is not None:
            return p
    return world.pick(rng, world.have(rw.VPS))


TOOLS_HTTP = [u for _, u in gen.TOOL_UAS]


def misuse_start(rng, clock, after_day=MISUSE_DAY):
    return clock.day(rng.randint(after_day, clock.days - 3)) + rng.randint(0, D_MS - 1)


def http_misuse(kind, k, rng, world, owner, clock):
    """The thief's events on key k. Returns notes."""
    prof = owner.profile
    base_place = getattr(owner, "home", None) or getattr(owner, "place", None) or \
        owner.regions[0]
    owner_ua = owner.uas[0]
    t0 = misuse_start(rng, clock)
    if kind == "exfil_same_isp":
        # A residential proxy on the owner's own operator and country, owner's client half the
        # time; pages through the data at several times the owner's pace, for hours.
        p = thief_place(rng, world, base_place, "same_isp")
        ua = owner_ua if rng.random() < 0.5 else rng.choice(TOOLS_HTTP[:3])
        t = t0
        for _ in range(rng.randint(1, 3)):
            ip = world.near(rng, p)
            for ts in session_times(rng, t, rng.randint(40, 300), 0.3, 8):
                method, uri, st = prof.pick(rng)
                if rng.random() < 0.4:
                    method, uri, st = prof.recon(rng)
                k.http(ts, ip.ip, ua, method, uri, st, True)
            t += rng.randint(3, 30) * H_MS
        return "thief %s AS%d ua=%s" % (p.loc.name(), p.asn, "owner" if ua == owner_ua else "tool")
    if kind == "cloud_same_provider":
        # The thief rents a machine from the owner's own cloud in another region and uses the
        # owner's SDK agent: only the place is new.
        p = thief_place(rng, world, base_place, "same_provider")
        t = t0
        for _ in range(rng.randint(1, 4)):
            for ts in session_times(rng, t, rng.randint(30, 200), 0.2, 4):
                method, uri, st = prof.pick(rng)
                if rng.random() < 0.3:
                    method, uri, st = prof.recon(rng)
                k.http(ts, p.ip, owner_ua, method, uri, st, True)
            t += rng.randint(2, 20) * H_MS
        return "thief %s AS%d owner's agent" % (p.loc.name(), p.asn)
    if kind == "foreign_lowvol":
        p = thief_place(rng, world, base_place, "foreign")
        ua = owner_ua if rng.random() < 0.5 else rng.choice(TOOLS_HTTP)
        for d in range(int((t0 - clock.start) // D_MS), clock.days):
            day0 = clock.day(d)
            for _ in range(rng.randint(1, 8)):
                ts = max(t0, day0 + rng.randint(0, D_MS - 1))
                method, uri, st = prof.pick(rng)
                k.http(ts, p.ip, ua, method, uri, st, True)
        return "thief %s AS%d" % (p.loc.name(), p.asn)
    if kind == "recon":
        p = thief_place(rng, world, base_place, rng.choice(["vps", "foreign", "same_country"]))
        ua = rng.choice(TOOLS_HTTP)
        t = t0
        if rng.random() < 0.5:
            method, uri, st = prof.pick(rng)
            k.http(t, p.ip, "TruffleHog", method, uri, 200, True)
            t += rng.randint(1, 48) * H_MS
        for ts in session_times(rng, t, rng.randint(15, 150), 0.1, 3):
            method, uri, st = prof.recon(rng)
            k.http(ts, p.ip, ua, method, uri, st, True)
        return "thief %s AS%d %s" % (p.loc.name(), p.asn, ua.split("/")[0])
    if kind == "gh_persist":
        # A stolen PAT: who am I, what can I reach, clone it all, then stay (SSH key, deploy
        # key or a new org member). Git's own agent or the owner's client half the time.
        p = thief_place(rng, world, base_place, rng.choice(["same_country", "vps", "same_isp"]))
        ua = owner_ua if rng.random() < 0.5 else rng.choice(["git/2.43.0", "python-requests/2.32.3",
                                                              "curl/8.10.1"])
        org = prof.ctx["org"]
        t = t0
        steps = [("GET", "/api/v3/user", 200), ("GET", "/api/v3/user/orgs", 200),
                 ("GET", "/api/v3/user/repos?per_page=100&page=1", 200),
                 ("GET", "/api/v3/orgs/%s/members" % org, 200)]
        for r in range(rng.randint(3, 40)):
            repo = "%s-%d" % (rng.choice(gen.WORDS), r)
            steps.append(("GET", "/%s/%s.git/info/refs?service=git-upload-pack" % (org, repo), 200))
            steps.append(("POST", "/%s/%s.git/git-upload-pack" % (org, repo), 200))
        steps.append(rng.choice([("POST", "/api/v3/user/keys", 201),
                                 ("POST", "/api/v3/repos/%s/%s/keys" % (org, prof.ctx["repos"][0]),
                                  201),
                                 ("PUT", "/api/v3/orgs/%s/memberships/%s" % (
                                     org, gen.rand_alnum(rng, 8).lower()), 200)]))
        for (method, uri, st), ts in zip(steps, session_times(rng, t, len(steps), 0.5, 20)):
            k.http(ts, p.ip, ua, method, uri, st, True)
        return "thief %s AS%d ua=%s" % (p.loc.name(), p.asn, "owner" if ua == owner_ua else ua)
    if kind == "stripe_fraud":
        p = thief_place(rng, world, base_place, rng.choice(["vps", "foreign", "same_country"]))
        ua = owner_ua if rng.random() < 0.4 else rng.choice(["curl/8.10.1",
                                                              "python-requests/2.32.3"])
        steps = [("GET", "/v1/balance", 200), ("GET", "/v1/account", 200)]
        steps += [("GET", "/v1/customers?limit=100&starting_after=cus_%s" %
                   gen.rand_alnum(rng, 14), 200) for _ in range(rng.randint(2, 30))]
        steps += [("POST", "/v1/webhook_endpoints", 200), ("GET", "/v1/payouts", 200),
                  ("POST", "/v1/payouts", rng.choice([200, 400]))]
        for (method, uri, st), ts in zip(steps, session_times(rng, t0, len(steps), 1, 30)):
            k.http(ts, p.ip, ua, method, uri, st, True)
        return "thief %s AS%d" % (p.loc.name(), p.asn)
    if kind == "dormant":
        p = thief_place(rng, world, base_place, rng.choice(["same_country", "foreign", "vps"]))
        ua = owner_ua if rng.random() < 0.5 else rng.choice(TOOLS_HTTP)
        for ts in session_times(rng, t0, rng.randint(5, 100), 0.5, 30):
            method, uri, st = prof.pick(rng)
            if rng.random() < 0.3:
                method, uri, st = prof.recon(rng)
            k.http(ts, p.ip, ua, method, uri, st, True)
        return "thief %s AS%d" % (p.loc.name(), p.asn)
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------
# CloudTrail: owners and thieves of AWS keys
# ---------------------------------------------------------------------------------------------

S3, STS, IAM, EC2, LAMBDA, SM, CT, GD = ("s3.amazonaws.com", "sts.amazonaws.com",
                                         "iam.amazonaws.com", "ec2.amazonaws.com",
                                         "lambda.amazonaws.com", "secretsmanager.amazonaws.com",
                                         "cloudtrail.amazonaws.com", "guardduty.amazonaws.com")
SQS, KMS, CFN, LOGS, SSM, ECR = ("sqs.amazonaws.com", "kms.amazonaws.com",
                                 "cloudformation.amazonaws.com", "logs.amazonaws.com",
                                 "ssm.amazonaws.com", "ecr.amazonaws.com")

SERVICE_OPS = [(30, S3, "GetObject"), (15, S3, "PutObject"), (15, SQS, "ReceiveMessage"),
               (10, SQS, "SendMessage"), (10, KMS, "Decrypt"), (4, SSM, "GetParameter"),
               (2, SM, "GetSecretValue"), (3, S3, "ListObjects")]
HUMAN_OPS = [(15, EC2, "DescribeInstances"), (10, S3, "ListBuckets"), (10, S3, "ListObjects"),
             (8, LOGS, "FilterLogEvents"), (6, LAMBDA, "ListFunctions20150331"),
             (6, STS, "GetCallerIdentity"), (5, IAM, "GetUser"), (5, SSM, "GetParameter"),
             (5, CFN, "DescribeStacks"), (4, EC2, "DescribeSecurityGroups"),
             (3, S3, "GetObject"), (2, IAM, "ListRoles")]
CI_OPS = [(10, CFN, "DescribeStacks"), (5, CFN, "CreateChangeSet"), (5, CFN, "ExecuteChangeSet"),
          (10, S3, "PutObject"), (6, ECR, "GetAuthorizationToken"),
          (5, LAMBDA, "UpdateFunctionCode20150331v2"), (4, S3, "ListObjects")]
LAMBDA_OPS = [(40, S3, "GetObject"), (20, S3, "PutObject"), (20, SQS, "SendMessage"),
              (10, KMS, "Decrypt"), (5, SM, "GetSecretValue")]
RECON_OPS = [(IAM, "ListUsers"), (IAM, "ListRoles"), (IAM, "ListPolicies"), (S3, "ListBuckets"),
             (EC2, "DescribeInstances"), (LAMBDA, "ListFunctions20150331"),
             (IAM, "ListAccessKeys"), (IAM, "GetAccountAuthorizationDetails"),
             (EC2, "DescribeRegions"), (SM, "ListSecrets"), (IAM, "ListGroups"),
             (EC2, "DescribeSnapshots"), (IAM, "ListAttachedUserPolicies")]


def pick_op(rng, ops):
    return gen.weighted(rng, [((s, n), w) for w, s, n in ops])


def ct_denied(name):
    if name.startswith("Describe") or name.startswith("Run"):
        return ("Client.UnauthorizedOperation", "You are not authorized to perform this operation.")
    return ("AccessDenied", "User is not authorized to perform: %s" % name)


class AwsOwner:
    """An IAM user key of a service in an AWS region, a developer's laptop or CI runners."""

    def __init__(self, rng, world, kind):
        self.world = world
        self.kind = kind
        if kind == "service":
            self.place = world.pick(rng, world.have(rw.AWS))
            self.ips = [world.near(rng, self.place) for _ in range(rng.randint(1, 3))]
            self.uas = [rng.choice(AWS_SDK_UAS)]
            self.rate = gen.loguniform(rng, 1, 12)
            self.ops = SERVICE_OPS
        elif kind == "human":
            self.human = Human(rng, world, "internal")
            self.place = self.human.home
            self.uas = [CLI_MAC]
            self.rate = gen.loguniform(rng, 8, 40)
            self.ops = HUMAN_OPS
        else:
            self.ci = CIFleet(rng, world, "internal", world.have(rw.AZURE) or None)
            self.place = self.ci.regions[0]
            self.uas = [CLI_CI]
            self.ops = CI_OPS
        self.ua_switch = None
        self.err = rng.uniform(0.002, 0.03)

    def emit(self, k, rng, t, ip, ua, ops):
        src, name = pick_op(rng, ops)
        err = ct_denied(name) if rng.random() < self.err else None
        if "%s" in ua:
            ua = ua % (src.split(".")[0] + "." + name.lower()[:12])
        k.ct(t, ip, ua, src, name, err, {"bucketName": "app-data"} if src == S3 else None)

    def ua(self, t):
        if self.ua_switch and t >= self.ua_switch[0]:
            return self.ua_switch[1]
        return self.uas[0]

    def run(self, k, rng, clock, t_from, t_to):
        if self.kind == "service":
            for d in range(clock.days):
                day0 = clock.day(d)
                for h in range(24):
                    for _ in range(gen.poisson(rng, self.rate)):
                        t = day0 + h * H_MS + rng.randint(0, H_MS - 1)
                        if t_from <= t < t_to:
                            self.emit(k, rng, t, rng.choice(self.ips).ip, self.ua(t), self.ops)
        elif self.kind == "human":
            hm = self.human
            for d in range(clock.days):
                day0 = clock.day(d)
                wd = weekday(day0 + 12 * H_MS)
                n = gen.poisson(rng, self.rate * (1.0 if wd < 5 else 0.1))
                for h in local_hours(rng, gen.WORK_PROFILE, max(1, n // 8) if n else 0):
                    t = day0 + int((h - hm.tz) * H_MS)
                    place = hm.where(rng, t, wd)
                    if place is None or not (t_from <= t < t_to):
                        continue
                    for ts in session_times(rng, t, rng.randint(2, 12), 1, 40):
                        self.emit(k, rng, ts, place.ip, self.ua(ts), self.ops)
        else:
            ci = self.ci
            for d in range(clock.days):
                day0 = clock.day(d)
                wd = weekday(day0 + 12 * H_MS)
                for h in local_hours(rng, gen.WORK_PROFILE,
                                     gen.poisson(rng, ci.pushes * (1.0 if wd < 5 else 0.1))):
                    t = day0 + int((h - ci.tz) * H_MS)
                    if not (t_from <= t < t_to):
                        continue
                    runner = self.world.near(rng, rng.choice(ci.regions))
                    # configure-aws-credentials asks who it is first, then the deploy runs
                    k.ct(t, runner.ip, GHA_UA, STS, "GetCallerIdentity")
                    for ts in session_times(rng, t + 5 * S_MS, rng.randint(3, 15), 2, 30):
                        self.emit(k, rng, ts, runner.ip, self.ua(ts), self.ops)


# Compute services whose roles AWS assumes for the workload, with the agent the workload's
# SDK sends (EC2 instance profiles send a plain SDK agent: nothing in it says "EC2").
COMPUTE = [("lambda.amazonaws.com", LAMBDA_UA, 5),
           ("ecs-tasks.amazonaws.com", LAMBDA_UA.replace("AWS_Lambda_python3.12",
                                                         "AWS_ECS_FARGATE"), 3),
           ("ec2.amazonaws.com", AWS_SDK_UAS[0], 2)]


class LambdaFn:
    """A Lambda function, ECS task or EC2 instance: its role's credentials come from AssumeRole
    by the compute service and are used from the workload's region with its agent; new ones
    every 6-12 h."""

    def __init__(self, rng, world):
        self.world = world
        self.service, self.ua = gen.weighted(rng, [((s, u), w) for s, u, w in COMPUTE])
        self.place = world.pick(rng, world.have(rw.AWS))
        self.role = "%s-fn-role" % rng.choice(gen.WORDS)
        self.roleid = "AROA" + "".join(rng.choice(B32) for _ in range(17))
        self.rate = gen.loguniform(rng, 2, 20)

    def sessions(self, rng, clock, t_from, t_to):
        t = t_from
        while t < t_to:
            life = rng.randint(6, 12) * H_MS
            yield t, min(t + life, t_to)
            t += life


def assume_by_lambda(k, rng, fn, t, akid):
    """The AssumeRole record that issues a workload's credentials (logged as the service)."""
    sess = gen.rand_alnum(rng, 16) if fn.service != "ec2.amazonaws.com" else \
        "i-%017x" % rng.getrandbits(68)
    k.ident = role_ident(fn.role, fn.roleid, sess, akid, t)
    k.ct(t, fn.service, fn.service, STS, "AssumeRole",
         req={"roleArn": "arn:aws:iam::%d:role/%s" % (ACCOUNT, fn.role),
              "roleSessionName": sess},
         resp={"credentials": {"accessKeyId": akid, "sessionToken": "<redacted>",
                               "expiration": iso(t + 12 * H_MS, False)},
               "assumedRoleUser": {"assumedRoleId": "%s:%s" % (fn.roleid, sess),
                                   "arn": "arn:aws:sts::%d:assumed-role/%s/%s" % (
                                       ACCOUNT, fn.role, sess)}},
         ident={"type": "AWSService", "invokedBy": fn.service})


def ct_attack(kind, k, rng, world, owner_place, t0, chain_key=None, owner_ua=None):
    """A thief's CloudTrail: recon, escalation, persistence, evasion, data access. Returns
    (notes, last time)."""
    how = rng.choice(["vps", "foreign", "same_country", "same_provider"])
    p = thief_place(rng, world, owner_place, how)
    ua_t = rng.choice(ATTACK_AWS_UAS)
    if owner_ua is not None and rng.random() < 0.25:
        ua_t = owner_ua      # a script on a rented machine with the same SDK as the owner
    t = t0

    def call(src, name, err=None, req=None, resp=None, gap=(0.5, 20)):
        nonlocal t
        ua = ua_t % (src.split(".")[0] + "." + name.lower()) if "%s" in ua_t else ua_t
        k.ct(t, p.ip, ua, src, name, err, req, resp, True)
        k.mark(t - t % 1000)
        t += int(rng.uniform(*gap) * S_MS)

    call(STS, "GetCallerIdentity")
    if kind in ("recon", "privesc", "chain", "attacker_only"):
        for src, name in rng.sample(RECON_OPS, rng.randint(4, 10)):
            call(src, name, ct_denied(name) if rng.random() < 0.5 else None)
    if kind in ("privesc", "chain", "attacker_only"):
        user = (k.ident or {}).get("userName") or "svc"
        choice = rng.random()
        if choice < 0.5:
            call(IAM, "PutUserPolicy", req={"userName": user, "policyName": "backup",
                                            "policyDocument": json.dumps({
                                                "Version": "2012-10-17", "Statement": [{
                                                    "Effect": "Allow", "Action": "*",
                                                    "Resource": "*"}]})})
        else:
            call(IAM, "AttachUserPolicy", req={"userName": user, "policyArn":
                                               "arn:aws:iam::aws:policy/AdministratorAccess"})
        if rng.random() < 0.5:
            nu = "support-%s" % gen.rand_alnum(rng, 5).lower()
            call(IAM, "CreateUser", req={"userName": nu})
            call(IAM, "CreateLoginProfile", req={"userName": nu, "passwordResetRequired": False})
        new = chain_key.akid if chain_key is not None else aws_key_id(rng, "AKIA")
        if chain_key is None:
            MINTED.append((new, t - t % 1000, k.kid))
        else:
            chain_key.mark(t - t % 1000)   # the minted key is the thief's from its creation
        call(IAM, "CreateAccessKey", req={"userName": user},
             resp={"accessKey": {"userName": user, "accessKeyId": new, "status": "Active",
                                 "createDate": iso(t, False)}})
    if kind == "evasion":
        for src, name, req in rng.sample([
                (CT, "StopLogging", {"name": "org-trail"}),
                (CT, "DeleteTrail", {"name": "org-trail"}),
                (CT, "PutEventSelectors", {"trailName": "org-trail", "eventSelectors": [
                    {"readWriteType": "All", "includeManagementEvents": False}]}),
                (GD, "DeleteDetector", {"detectorId": "%032x" % rng.getrandbits(128)}),
                (EC2, "DeleteFlowLogs", {"flowLogId": ["fl-%017x" % rng.getrandbits(68)]}),
                (S3, "PutBucketPolicy", {"bucketName": "app-data", "bucketPolicy": {
                    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                   "Resource": "arn:aws:s3:::app-data/*"}]}}),
                (EC2, "ModifySnapshotAttribute", {"snapshotId": "snap-%017x" % rng.getrandbits(68),
                                                  "createVolumePermission": {"add": {"items": [
                                                      {"userId": "999988887777"}]}}}),
        ], rng.randint(1, 3)):
            call(src, name, req=req)
        for _ in range(rng.randint(5, 30)):
            call(SM, "GetSecretValue", req={"secretId": "prod/%s" % rng.choice(gen.WORDS)},
                 gap=(0.2, 3))
    if kind == "role_exfil":
        for _ in range(rng.randint(5, 40)):
            src, name = rng.choice([(S3, "ListBuckets"), (S3, "GetObject"), (SM, "GetSecretValue"),
                                    (S3, "ListObjects"), (SSM, "GetParameters")])
            call(src, name, gap=(0.5, 30))
    return "thief %s AS%d %s" % (p.loc.name(), p.asn, ua_t.split("/")[0][:20]), t, p, ua_t


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------

# name, label, weight, what
SCENARIOS = [
    ("human", "benign", 10, "a person in office hours: office, dynamic home address, mobile"),
    ("service", "benign", 8, "a service 24/7 in a cloud or hosting region"),
    ("ci_fleet", "benign", 8, "CI runners over 6-20 places of one provider, parallel jobs"),
    ("public", "benign", 3, "a publishable key used from browsers worldwide"),
    ("region_move", "benign", 6, "a service moves region/country: overlap, then old place silent"),
    ("sdk_upgrade", "benign", 5, "an SDK or CLI upgrade from the usual places"),
    ("rotation", "benign", 6, "pairs: a successor key takes over from the same places"),
    ("nightly_batch", "benign", 5, "a new nightly batch job from the usual places and client"),
    ("travel", "benign", 6, "a person flies abroad at airliner speed and works there"),
    ("vpn", "benign", 5, "a person who often works through a commercial VPN egress abroad"),
    ("aws_service", "benign", 5, "CloudTrail: an IAM user key of a service in AWS"),
    ("aws_human", "benign", 4, "CloudTrail: a developer's key from a laptop with aws-cli"),
    ("aws_ci", "benign", 4, "CloudTrail: a deploy key on GitHub-hosted runners (Azure)"),
    ("aws_lambda", "benign", 4, "CloudTrail: Lambda role credentials used by the function"),
    ("exfil_same_isp", "misuse", 5, "a thief on the owner's operator and country pages data"),
    ("cloud_same_provider", "misuse", 4, "a thief on the owner's cloud, owner's agent"),
    ("foreign_lowvol", "misuse", 4, "1-8 requests a day from abroad"),
    ("recon", "misuse", 4, "enumeration with errors, tool agents"),
    ("gh_persist", "misuse", 4, "GitHub PAT: clone everything, add a key or member"),
    ("stripe_fraud", "misuse", 3, "Stripe key: balance, customers, webhook, payout"),
    ("dormant", "misuse", 3, "a silent key revived by a thief"),
    ("ct_recon", "misuse", 4, "CloudTrail: whoami and enumeration with AccessDenied"),
    ("ct_privesc", "misuse", 4, "CloudTrail: recon, *:* policy, new user, new access key"),
    ("ct_chain", "misuse", 3, "CloudTrail: pairs, the minted key used by the thief"),
    ("ct_attacker_only", "misuse", 3, "CloudTrail: a key only ever seen in the thief's hands"),
    ("ct_role_exfil", "misuse", 4, "CloudTrail: Lambda role credentials used from elsewhere"),
    ("ct_evasion", "misuse", 4, "CloudTrail: stop logging, public bucket, secret reads"),
]
# Not drawn, follows from the above: ct_minted, the keys privesc/attacker_only minted.


def scenario_counts(n):
    total = sum(w for _, _, w, _ in SCENARIOS)
    return {name: max(1, int(round(n * w / float(total)))) for name, _, w, _ in SCENARIOS}


def bump_version(rng, ua):
    """The same product a release later: the first "major.minor" grows by a few minor versions,
    or (30 %) by one major version. Agents without a version stay as they are."""
    m = re.search(r"(\d+)\.(\d+)", ua)
    if not m:
        return ua
    major, minor = int(m.group(1)), int(m.group(2))
    if rng.random() < 0.3:
        major, minor = major + 1, 0
    else:
        minor += rng.randint(1, 3)
    return ua[:m.start()] + "%d.%d" % (major, minor) + ua[m.end():]


def http_owner(rng, world, base, api):
    if base == "human":
        return Human(rng, world, api)
    if base == "ci":
        return CIFleet(rng, world, api)
    return Service(rng, world, api)


def build(cfg, world):
    clock = Clock(cfg.start, cfg.days)
    keys = []
    rng = random.Random("realgen/%d" % cfg.seed)

    def new(scen, label, base, fmt):
        k = Key(len(keys), scen, label, base, fmt)
        keys.append(k)
        return k

    counts = scenario_counts(cfg.keys)
    del MINTED[:]
    for scen, label, _, _ in SCENARIOS:
        for i in range(counts[scen]):
            r = random.Random("%d/%s/%d" % (cfg.seed, scen, i))
            make_scenario(scen, label, r, world, clock, new)
    # A key a thief minted (CreateAccessKey) is theirs from birth even if never used: the scan
    # sees it in the creating call's response, and the right verdict is rotate.
    for akid, t, parent in MINTED:
        k = new("ct_minted", "misuse", "minted", "ct")
        k.akid, k.kid, k.family = akid, aws_kid(akid), "aws"
        k.misuse_start = t
        k.label_only = True
        k.notes = "minted by %s, never used" % parent
    rng.shuffle(keys)
    for i, k in enumerate(keys):
        k.idx = i
    return keys, clock


def make_scenario(scen, label, r, world, clock, new):
    T0, T1 = clock.start, clock.end
    http_styles = ["bearer", "github", "stripe", "xapikey"]
    if scen in ("human", "service", "ci_fleet", "public"):
        base = {"human": "human", "service": "service", "ci_fleet": "ci", "public": "public"}[scen]
        k = new(scen, label, base, "http")
        api = http_key(k, r, "pk" if scen == "public" else r.choice(http_styles))
        o = Public(r, world, api) if scen == "public" else http_owner(r, world, base, api)
        o.run(k, r, clock, T0, T1)
        return
    if scen == "region_move":
        k = new(scen, label, "service", "http")
        api = http_key(k, r, r.choice(http_styles))
        o = Service(r, world, api, world.pick(r, world.have(rw.CLOUD)))
        abroad = r.random() < 0.5
        dest = world.pick(r, [o.place.asn], not_cc={o.place.loc.cc} if abroad else None)
        if dest is None or dest.loc.name() == o.place.loc.name():
            dest = world.pick(r, [o.place.asn], not_cc={o.place.loc.cc}) or dest
        t0 = clock.day(r.randint(8, clock.days - 6)) + r.randint(0, D_MS - 1)
        t1 = t0 + r.randint(2, 72) * H_MS
        o.moves.append((t0, t1, [world.near(r, dest) for _ in range(len(o.ips))]))
        k.notes = "%s -> %s (%d km)" % (o.place.loc.name(), dest.loc.name(),
                                        o.place.loc.km(dest.loc))
        o.run(k, r, clock, T0, T1)
        return
    if scen == "sdk_upgrade" and r.random() < 0.4:
        # a person's browser or CLI moves on 1-3 major versions, same places
        k = new(scen, label, "human", "http")
        api = http_key(k, r, r.choice(http_styles))
        o = Human(r, world, api)
        new_uas = [gen._bump_browser(u) if u.startswith("Mozilla/") else bump_version(r, u)
                   for u in o.uas]
        o.ua_switch = (clock.day(r.randint(8, clock.days - 4)), new_uas)
        k.notes = "%s -> %s" % (" + ".join(o.uas), " + ".join(new_uas))
        o.run(k, r, clock, T0, T1)
        return
    if scen == "sdk_upgrade":
        k = new(scen, label, "service", "http")
        api = http_key(k, r, r.choice(http_styles))
        o = Service(r, world, api)
        ua = o.uas[0]
        nxt = bump_version(r, ua)
        o.ua_switch = (clock.day(r.randint(8, clock.days - 4)), nxt)
        k.notes = "%s -> %s" % (ua, nxt)
        o.run(k, r, clock, T0, T1)
        return
    if scen == "rotation":
        base = r.choice(["human", "service", "ci"])
        style = r.choice(http_styles)
        old = new(scen, label, base, "http")
        api = http_key(old, r, style)
        succ = new(scen, label, base, "http")
        http_key(succ, r, style)
        o = http_owner(r, world, base, api)
        t_new = clock.day(r.randint(MISUSE_DAY, clock.days - 4)) + r.randint(0, D_MS - 1)
        t_old_end = t_new + (r.randint(1, 6) * H_MS if r.random() < 0.7 else D_MS)
        o.run(old, r, clock, T0, t_old_end)
        o.run(succ, r, clock, t_new, T1)
        old.notes = "old key, successor %s" % succ.kid
        succ.notes = "successor of %s" % old.kid
        return
    if scen == "nightly_batch":
        k = new(scen, label, "service", "http")
        api = http_key(k, r, r.choice(http_styles))
        o = Service(r, world, api)
        o.batch = (clock.day(r.randint(MISUSE_DAY, clock.days - 4)), r.choice([1, 2, 3, 4]),
                   r.randint(30, 300))
        k.notes = "batch at %02d:00 local from %s" % (o.batch[1], gen.date_of(o.batch[0]))
        o.run(k, r, clock, T0, T1)
        return
    if scen == "travel":
        k = new(scen, label, "human", "http")
        api = http_key(k, r, r.choice(http_styles))
        o = Human(r, world, api)
        k.notes = plan_trip(r, world, o, clock)
        o.run(k, r, clock, T0, T1)
        return
    if scen == "vpn":
        k = new(scen, label, "human", "http")
        api = http_key(k, r, r.choice(http_styles))
        o = Human(r, world, api)
        vpns = world.have(rw.VPN)
        egress = [world.pick(r, vpns) for _ in range(r.randint(1, 4))]
        o.vpn = (r.uniform(0.2, 0.6), [e for e in egress if e is not None])
        k.notes = "VPN egress " + ",".join(e.loc.name() for e in o.vpn[1])
        o.run(k, r, clock, T0, T1)
        return
    if scen in ("aws_service", "aws_human", "aws_ci"):
        k = new(scen, label, scen[4:], "ct")
        ct_key(k, r, "%s-%s" % (scen[4:], gen.rand_alnum(r, 6).lower()))
        o = AwsOwner(r, world, scen[4:])
        if r.random() < 0.3:
            t = clock.day(r.randint(8, clock.days - 4))
            o.ua_switch = (t, AWS_SDK_NEXT.get(o.uas[0], CLI_MAC_NEW if o.uas[0] == CLI_MAC
                                               else o.uas[0]))
            k.notes = "agent upgrade on %s" % gen.date_of(t)
        o.run(k, r, clock, T0, T1)
        return
    if scen in ("aws_lambda", "ct_role_exfil"):
        fn = LambdaFn(r, world)
        # Functions are deployed for a few days each (a release, an event campaign), so their
        # short-lived keys don't outnumber all others.
        a0 = clock.day(r.randint(MISUSE_DAY - 4, clock.days - 4)) + r.randint(0, D_MS - 1)
        sessions = list(fn.sessions(r, clock, a0, min(T1, a0 + r.randint(18, 36) * H_MS)))
        victim = r.randrange(len(sessions) // 2, len(sessions)) if scen == "ct_role_exfil" \
            else -1
        for i, (a, b) in enumerate(sessions):
            if scen == "ct_role_exfil" and i != victim and r.random() < 0.9:
                continue     # a few sessions of the same function, benign, stay out of labels
            lab = label if i == victim or scen == "aws_lambda" else "benign"
            k = new(scen if lab == label else "aws_lambda", lab, "lambda", "ct")
            k.akid = aws_key_id(r, "ASIA")
            k.kid = aws_kid(k.akid)
            k.family = "aws"
            assume_by_lambda(k, r, fn, a, k.akid)
            ip = world.near(r, fn.place)
            t = a + r.randint(1, 30) * S_MS
            while t < b:
                src, name = pick_op(r, LAMBDA_OPS)
                k.ct(t, ip.ip, fn.ua, src, name)
                t += int(r.expovariate(fn.rate / float(H_MS))) + 1
            if i == victim:
                # The credentials leave the function (SSRF, a leaked environment) and are used
                # from elsewhere within their 12 h lifetime.
                t0 = r.randint(a + 10 * MIN_MS, min(b, a + 11 * H_MS))
                notes, _, _, _ = ct_attack("role_exfil", k, r, world, fn.place, t0,
                                             owner_ua=fn.ua)
                k.notes = notes
        return
    if scen in ("ct_recon", "ct_privesc", "ct_evasion"):
        k = new(scen, label, "service", "ct")
        ct_key(k, r, "svc-%s" % gen.rand_alnum(r, 6).lower())
        o = AwsOwner(r, world, r.choice(["service", "service", "human", "ci"]))
        k.base = o.kind
        o.run(k, r, clock, T0, T1)
        k.notes, _, _, _ = ct_attack(scen[3:], k, r, world, o.place, misuse_start(r, clock),
                                        owner_ua=o.uas[0])
        return
    if scen == "ct_attacker_only":
        k = new(scen, label, "none", "ct")
        ct_key(k, r, "legacy-%s" % gen.rand_alnum(r, 5).lower())
        place = world.pick(r, world.have(rw.AWS))
        k.notes, _, _, _ = ct_attack("attacker_only", k, r, world, place, misuse_start(r, clock, 3))
        return
    if scen == "ct_chain":
        k = new(scen, label, "service", "ct")
        ct_key(k, r, "svc-%s" % gen.rand_alnum(r, 6).lower())
        o = AwsOwner(r, world, "service")
        o.run(k, r, clock, T0, T1)
        child = new(scen, label, "minted", "ct")
        child.akid = aws_key_id(r, "AKIA")
        child.kid = aws_kid(child.akid)
        child.family = "aws"
        child.ident = dict(k.ident, accessKeyId=child.akid)
        notes, t, p, ua = ct_attack("chain", k, r, world, o.place, misuse_start(r, clock),
                                    owner_ua=o.uas[0],
                                    chain_key=child)
        k.notes = notes + " minted " + child.kid
        t += r.randint(1, 90) * MIN_MS
        for _ in range(r.randint(3, 30)):
            src, name = r.choice([(S3, "ListBuckets"), (S3, "GetObject"), (IAM, "ListUsers"),
                                  (SM, "GetSecretValue"), (EC2, "DescribeInstances")])
            u = ua % (src.split(".")[0] + "." + name.lower()) if "%s" in ua else ua
            child.ct(t, p.ip, u, src, name, None, None, None, True)
            child.mark(t - t % 1000)
            t += r.randint(1, 60) * S_MS
        child.notes = "minted by %s" % k.kid
        return
    # HTTP misuse on a key with a normal owner first
    style = {"gh_persist": "github", "stripe_fraud": "stripe"}.get(scen, r.choice(http_styles))
    base = r.choice(["human", "service", "ci"]) if scen != "cloud_same_provider" else "service"
    if scen == "gh_persist":
        base = r.choice(["human", "ci"])
    k = new(scen, label, base, "http")
    api = http_key(k, r, style)
    if scen == "cloud_same_provider":
        o = Service(r, world, api, world.pick(r, world.have(rw.CLOUD)))
    else:
        o = http_owner(r, world, base, api)
    o.run(k, r, clock, T0, clock.day(10) if scen == "dormant" else T1)
    k.notes = http_misuse(scen, k, r, world, o, clock)
    k.misuse_start = min(e[0] for e in k.events if e[-1])


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def ct_record(rng, k, e):
    t, ip, ua, src, name, err, req, resp, mal, ident = e
    rec = {"eventVersion": "1.09", "userIdentity": ident or k.ident, "eventTime": iso(t, False),
           "eventSource": src, "eventName": name, "awsRegion": "us-east-1",
           "sourceIPAddress": ip, "userAgent": ua}
    if err:
        rec["errorCode"], rec["errorMessage"] = err
    rec["requestParameters"] = req
    rec["responseElements"] = resp
    rec["requestID"] = uuid(rng)
    rec["eventID"] = uuid(rng)
    rec["readOnly"] = name.startswith(("Get", "List", "Describe"))
    rec["eventType"] = "AwsApiCall"
    rec["managementEvent"] = src != S3 or name not in ("GetObject", "PutObject")
    rec["recipientAccountId"] = str(ACCOUNT)
    return rec


def write(cfg, keys, clock, outdir, quiet=False):
    t_begin = time.time()
    corpus = os.path.join(outdir, "corpus")
    ctdir = os.path.join(outdir, "cloudtrail", "AWSLogs", str(ACCOUNT), "CloudTrail", "us-east-1")
    for d in (corpus, ctdir):
        os.makedirs(d, exist_ok=True)
    for root, _, files in os.walk(os.path.join(outdir, "corpus")):
        for n in files:
            os.unlink(os.path.join(root, n))
    for root, _, files in os.walk(os.path.join(outdir, "cloudtrail")):
        for n in files:
            os.unlink(os.path.join(root, n))
    http_by_day, ct_by_hour = {}, {}
    counts = {}
    for k in keys:
        if k.label == "misuse" and k.misuse_start is None:
            raise SystemExit("realgen: misuse key %s (%s) has no malicious event" %
                             (k.kid, k.scenario))
        for e in k.events:
            if not (clock.start <= e[0] < clock.end):
                continue
            counts[k.idx] = counts.get(k.idx, 0) + 1
            if k.fmt == "http":
                http_by_day.setdefault((e[0] - clock.start) // D_MS, []).append((e, k.idx))
            else:
                ct_by_hour.setdefault((e[0] - clock.start) // H_MS, []).append((e, k.idx))
    total, nbytes = 0, 0
    for day in range(clock.days):
        evs = sorted(http_by_day.get(day, []), key=lambda p: (p[0][0], p[1]))
        lines = []
        for e, kidx in evs:
            k = keys[kidx]
            t, ip, ua, method, uri, status, _mal = e
            lines.append('{"time":"%s","client_ip":"%s","method":"%s","uri":"%s","status":%d,'
                         '"user_agent":"%s","host":"%s"%s}' % (
                             iso(t), rw.ip_str(ip), method, uri, status, ua, k.host, k.auth))
        data = ("\n".join(lines) + "\n").encode() if lines else b""
        with open(os.path.join(corpus, gen.date_of(clock.day(day)) + ".jsonl.gz"), "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                               compresslevel=2) as gz:
                gz.write(data)
        total += len(lines)
        nbytes += len(data)
    rng = random.Random("ct/%d" % cfg.seed)
    for hour in sorted(ct_by_hour):
        evs = sorted(ct_by_hour[hour], key=lambda p: (p[0][0], p[1]))
        recs = []
        for e, kidx in evs:
            k = keys[kidx]
            ip = e[1] if isinstance(e[1], str) else rw.ip_str(e[1])
            recs.append(ct_record(rng, k, (e[0], ip) + tuple(e[2:])))
        t = clock.start + hour * H_MS
        g = time.gmtime(t // 1000)
        sub = os.path.join(ctdir, "%04d" % g.tm_year, "%02d" % g.tm_mon, "%02d" % g.tm_mday)
        os.makedirs(sub, exist_ok=True)
        name = "%d_CloudTrail_us-east-1_%04d%02d%02dT%02d00Z_%016x.json.gz" % (
            ACCOUNT, g.tm_year, g.tm_mon, g.tm_mday, g.tm_hour, rng.getrandbits(64))
        data = json.dumps({"Records": recs}, separators=(",", ":")).encode()
        with open(os.path.join(sub, name), "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                               compresslevel=2) as gz:
                gz.write(data)
        total += len(recs)
        nbytes += len(data)
    with open(os.path.join(outdir, "labels.tsv"), "w", encoding="utf-8") as f:
        f.write("key_id\tfamily\tscenario\tlabel\tmisuse_start\tbase\tnotes\n")
        for k in sorted(keys, key=lambda k: k.idx):
            if counts.get(k.idx, 0) == 0 and not k.label_only:
                continue        # never seen in the window: not a key the scan can judge
            f.write("%s\t%s\t%s\t%s\t%s\t%s\t%s\n" % (
                k.kid, k.family, k.scenario, k.label,
                iso(k.misuse_start) if k.misuse_start is not None else "", k.base,
                k.notes.replace("\t", " ")))
    per = {}
    for k in keys:
        d = per.setdefault(k.scenario, {"label": k.label, "keys": 0, "events": 0})
        d["keys"] += 1
        d["events"] += counts.get(k.idx, 0)
    stats = {"seed": cfg.seed, "keys": len(keys), "days": cfg.days, "start": cfg.start,
             "addresses": address_stats(keys, cfg.city_db),
             "events": total, "bytes_uncompressed": nbytes, "scenarios": per,
             "city_db": cfg.city, "asn_csv": cfg.asn_csv,
             "seconds": round(time.time() - t_begin, 2)}
    with open(os.path.join(outdir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f, indent=2, sort_keys=True)
        f.write("\n")
    return stats


def address_stats(keys, city_db):
    """How precisely the City database places the distinct addresses of the corpus."""
    ips = {e[1] for k in keys for e in k.events if isinstance(e[1], int)}
    n = {"distinct": len(ips), "city": 0, "country_only": 0, "unknown": 0,
         "radius_over_100km": 0, "countries": 0}
    ccs = set()
    for ip in ips:
        loc, _, _ = city_db.lookup(ip)
        if loc is None:
            n["unknown"] += 1
            continue
        ccs.add(loc.cc)
        n["city" if loc.city else "country_only"] += 1
        if loc.radius is not None and loc.radius > 100:
            n["radius_over_100km"] += 1
    n["countries"] = len(ccs)
    return n


class Config:
    def __init__(self, seed, keys, days, start, city, asn_csv, city_db=None):
        self.seed, self.keys, self.days, self.start = seed, keys, days, start
        self.city, self.asn_csv, self.city_db = city, asn_csv, city_db


# ---------------------------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------------------------


def generate(city_path, asn_csv, keys, seed, days, out, start="2026-10-05"):
    city = rw.open_city(city_path)
    world = rw.World(random.Random("world/%d" % seed), city, asn_csv)
    cfg = Config(seed, keys, days, start, city_path, asn_csv, city)
    ks, clock = build(cfg, world)
    stats = write(cfg, ks, clock, out, True)
    return world, ks, clock, stats


def tree_digest(d):
    h = hashlib.sha256()
    for root, dirs, files in os.walk(d):
        dirs.sort()
        for n in sorted(files):
            if n == "manifest.json":
                continue
            p = os.path.join(root, n)
            h.update(os.path.relpath(p, d).encode() + b"\0")
            with open(p, "rb") as f:
                h.update(f.read())
    return h.hexdigest()


def self_check(city_path, asn_csv, keytrail=None, nkeys=140):
    import shutil
    import subprocess
    import tempfile
    fails = []

    def check(cond, what):
        if not cond:
            fails.append(what)

    tmp = tempfile.mkdtemp(prefix="kt-realgen-")
    try:
        a, b, c = (os.path.join(tmp, x) for x in "abc")
        world, keys, clock, stats = generate(city_path, asn_csv, nkeys, 7, 21, a)
        generate(city_path, asn_csv, nkeys, 7, 21, b)
        generate(city_path, asn_csv, nkeys, 8, 21, c)
        check(tree_digest(a) == tree_digest(b), "the same seed gives the same files")
        check(tree_digest(a) != tree_digest(c), "another seed gives other files")
        check({k.scenario for k in keys} >= {n for n, _, _, _ in SCENARIOS},
              "every scenario has keys")

        # Files: valid JSON, sorted, each in its own day or hour.
        n_http = n_ct = 0
        for name in sorted(os.listdir(os.path.join(a, "corpus"))):
            prev = ""
            with gzip.open(os.path.join(a, "corpus", name), "rt") as f:
                for ln in f:
                    e = json.loads(ln)
                    check(e["time"].startswith(name[:10]), "%s holds only its day" % name)
                    check(e["time"] >= prev, "%s is sorted" % name)
                    prev = e["time"]
                    n_http += 1
        for root, _, files in os.walk(os.path.join(a, "cloudtrail")):
            for name in files:
                with gzip.open(os.path.join(root, name), "rt") as f:
                    recs = json.load(f)["Records"]
                hour = name.split("_")[3][:11]
                for r in recs:
                    t = r["eventTime"].replace("-", "").replace(":", "")
                    check(t[:11] == hour, "%s holds only its hour" % name)
                    check(r["userIdentity"].get("accessKeyId") or
                          r["userIdentity"].get("type") == "AWSService",
                          "CloudTrail records name their key")
                n_ct += len(recs)
        check(n_http + n_ct == stats["events"], "every event written once")

        # Labels: no tokens, one line per key with events, misuse with a start.
        with open(os.path.join(a, "labels.tsv")) as f:
            lab_text = f.read()
        with open(os.path.join(a, "manifest.json")) as f:
            man_text = f.read()
        rows = [ln.split("\t") for ln in lab_text.splitlines()[1:]]
        check(len({r[0] for r in rows}) == len(rows), "key ids unique")
        for k in keys:
            if k.token:
                check(k.token not in lab_text and k.token not in man_text,
                      "no token in labels or manifest")
        labelled = {r[0]: r for r in rows}
        for k in keys:
            if k.events or k.label_only:
                check(k.kid in labelled, "key %s (%s) labelled" % (k.kid, k.scenario))

        # Every address belongs to the operator the generator meant, in the ASN rows.
        asn_rows = []
        for asn, rs in world.asn.rows.items():
            asn_rows += [(lo, hi, asn) for lo, hi in rs]
        asn_rows.sort()
        starts = [r[0] for r in asn_rows]

        def asn_of(ip):
            i = bisect.bisect_right(starts, ip) - 1
            return asn_rows[i][2] if i >= 0 and asn_rows[i][1] >= ip else None

        for k in keys:
            for e in k.events[:200]:
                if isinstance(e[1], int):
                    check(asn_of(e[1]) is not None, "address in a real ASN row")

        # Misuse: the start is the first malicious event; owners had two weeks first.
        no_history = {"ct_attacker_only", "ct_minted", "ct_role_exfil"}
        for k in keys:
            mal = [e[0] for e in k.events if e[-2 if k.fmt == "ct" else -1] is True]
            if k.label == "benign":
                check(not mal, "benign key %s has no malicious event" % k.kid)
                continue
            if k.label_only:
                continue
            check(mal and min(mal) >= k.misuse_start and
                  (k.scenario == "ct_chain" and k.base == "minted" or min(mal) == k.misuse_start),
                  "%s: misuse_start is the first malicious event" % k.scenario)
            own = [e[0] for e in k.events if e[-2 if k.fmt == "ct" else -1] is not True]
            if k.scenario not in no_history and k.base != "minted":
                check(own and k.misuse_start - min(own) >= (MISUSE_DAY - 1) * D_MS,
                      "%s: two weeks of owner use before misuse" % k.scenario)

        def ips(k, mal):
            i = -2 if k.fmt == "ct" else -1
            return [e[1] for e in k.events if (e[i] is True) == mal and isinstance(e[1], int)]

        def asns(ipl):
            return {asn_of(ip) for ip in ipl}

        same = [k for k in keys if k.scenario == "cloud_same_provider"]
        check(all(asns(ips(k, True)) <= asns(ips(k, False)) for k in same),
              "cloud_same_provider thieves use the owner's operator")
        isp = [k for k in keys if k.scenario == "exfil_same_isp"]
        check(sum(1 for k in isp if asns(ips(k, True)) & asns(ips(k, False))) * 2 >= len(isp),
              "most exfil_same_isp thieves share the owner's operator")
        for k in keys:
            if k.scenario == "ci_fleet":
                places = {world.city.lookup(ip)[0].name() for ip in set(ips(k, False))}
                check(len(places) >= 3, "CI runners in several places (%d)" % len(places))
            if k.scenario == "public":
                ccs = {world.city.lookup(ip)[0].cc for ip in set(ips(k, False))}
                check(len(ccs) >= 4, "a publishable key used in >= 4 countries")
        # Travel at airliner speed: the flight takes distance / 750 km/h plus 3 h.
        for k in keys:
            if k.scenario == "travel" and "km)" in k.notes:
                km = float(k.notes.rsplit("(", 1)[1].split()[0])
                check(km >= 500, "a trip goes abroad, >= 500 km")
        # Rotation: the old key falls silent, the successor takes over.
        rot = {}
        for k in keys:
            if k.scenario == "rotation" and k.events:
                rot[k.kid] = k
        for k in rot.values():
            if k.notes.startswith("successor of "):
                old = rot.get(k.notes.split()[-1])
                if old is not None:
                    check(max(e[0] for e in old.events) < max(e[0] for e in k.events),
                          "rotation: the old key stops first")
                    check(min(e[0] for e in k.events) - min(e[0] for e in old.events) >=
                          (MISUSE_DAY - 1) * D_MS, "rotation: the successor starts late")
        # Region moves: the old addresses fall silent.
        for k in keys:
            if k.scenario == "region_move":
                evs = sorted(k.events)
                tail_ips = {e[1] for e in evs[-20:]}
                head_ips = {e[1] for e in evs[:20]}
                check(not (tail_ips & head_ips), "region_move: the old place falls silent")
        # Chaining: the minted key appears in its creator's CreateAccessKey response.
        created = {}
        for k in keys:
            if k.fmt == "ct":
                for e in k.events:
                    if e[4] == "CreateAccessKey" and e[7]:
                        created[e[7]["accessKey"]["accessKeyId"]] = e[0]
        for k in keys:
            if k.base == "minted":
                check(k.akid in created and created[k.akid] <= k.misuse_start,
                      "a minted key is created by its thief before use")
        # Key ids agree with the binary.
        if keytrail:
            sample = [k for k in keys if k.token][:6] + [k for k in keys if k.akid][:4]
            for k in sample:
                val = k.token or k.akid
                outp = subprocess.run([keytrail, "fingerprint", "-"], input=val.encode(),
                                      capture_output=True).stdout.decode()
                check(outp.split()[:1] == [k.kid], "key id of %s matches the binary" % k.family)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for what in sorted(set(fails)):
        print("FAIL: %s" % what)
    print("realgen self-check: %d failed (%d keys, %d events)" % (
        len(set(fails)), len(keys), stats["events"]))
    return len(set(fails))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    extract = os.path.join(HERE, "..", "..", "samples", "geo", ".dbip-lite")
    ap.add_argument("--city", default=os.path.join(extract, "dbip-city-ipv4.csv"),
                    help="City database: .mmdb or ip-location-db CSV (default: the extract)")
    ap.add_argument("--asn-csv", default=os.path.join(extract, "asn-ipv4.csv"),
                    help="ASN rows, ip-location-db CSV layout (default: the extract)")
    ap.add_argument("--self-check", action="store_true",
                    help="generate small corpora and check the generator's promises")
    ap.add_argument("--keytrail", metavar="BIN", help="with --self-check: compare key ids")
    ap.add_argument("--out", help="output directory")
    ap.add_argument("--keys", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--start", default="2026-10-05")
    ap.add_argument("--write-extract", metavar="DIR",
                    help="write the blocks a world samples (seed 0) as a small extract")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.days < MISUSE_DAY + 5:
        ap.error("--days must be at least %d" % (MISUSE_DAY + 5))
    t0 = time.time()
    if args.self_check:
        return 1 if self_check(args.city, args.asn_csv, args.keytrail) else 0
    city = rw.open_city(args.city)
    if args.write_extract:
        world = rw.World(random.Random("world/0"), city, args.asn_csv, samples=40)
        na, nc = rw.write_extract(world, args.write_extract, city)
        print("extract: %d ASN rows, %d City rows -> %s" % (na, nc, args.write_extract))
        return 0
    if not args.out:
        ap.error("--out is required")
    world = rw.World(random.Random("world/%d" % args.seed), city, args.asn_csv)
    cfg = Config(args.seed, args.keys, args.days, args.start, args.city, args.asn_csv, city)
    keys, clock = build(cfg, world)
    os.makedirs(args.out, exist_ok=True)
    stats = write(cfg, keys, clock, args.out, args.quiet)
    if not args.quiet:
        print("%d keys, %d events, %.1f MB in %.1f s -> %s" % (
            stats["keys"], stats["events"], stats["bytes_uncompressed"] / 1e6,
            time.time() - t0, args.out))
        a = stats["addresses"]
        print("%d distinct addresses in %d countries: %d located to a city, %d to a country "
              "only, %d with an accuracy radius over 100 km" % (
                  a["distinct"], a["countries"], a["city"], a["country_only"],
                  a["radius_over_100km"]))
        for name, d in sorted(stats["scenarios"].items(), key=lambda p: (p[1]["label"], p[0])):
            print("  %-20s %-7s %4d keys %8d events" % (name, d["label"], d["keys"], d["events"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
