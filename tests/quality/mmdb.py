"""A small reader of MaxMind DB files (the format of GeoLite2, DB-IP and ip-location-db .mmdb),
standard library only, for the real-geography corpus (realgen.py). Only what the corpus needs:
IPv4 lookups that also return the network the answer covers, so an extract can be cut exactly.

The format (MaxMind DB File Format Specification 2.0): a binary search tree of `node_count`
nodes with two records each (`record_size` 24, 28 or 32 bits), 16 zero bytes, a data section of
typed values, then the metadata map after the marker b"\\xab\\xcd\\xefMaxMind.com".
"""
import struct

METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"


class MMDBError(Exception):
    pass


class Reader:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.buf = f.read()
        at = self.buf.rfind(METADATA_MARKER, max(0, len(self.buf) - 128 * 1024))
        if at < 0:
            raise MMDBError("%s: no MaxMind DB metadata marker" % path)
        self.meta, _ = self._decode(at + len(METADATA_MARKER), at + len(METADATA_MARKER))
        if not isinstance(self.meta, dict):
            raise MMDBError("%s: metadata is not a map" % path)
        try:
            self.node_count = int(self.meta["node_count"])
            self.record_size = int(self.meta["record_size"])
            self.ip_version = int(self.meta["ip_version"])
        except (KeyError, TypeError, ValueError):
            raise MMDBError("%s: metadata lacks node_count, record_size or ip_version" % path)
        if self.record_size not in (24, 28, 32):
            raise MMDBError("%s: record size %d" % (path, self.record_size))
        self.node_bytes = self.record_size // 4
        self.tree_size = self.node_bytes * self.node_count
        self.data_start = self.tree_size + 16
        if self.data_start > at:
            raise MMDBError("%s: search tree larger than the file" % path)
        self.db_type = self.meta.get("database_type", "")
        self._v4_start = 0
        self._v4_depth = 0
        if self.ip_version == 6:
            node = 0
            for _ in range(96):
                if node >= self.node_count:
                    break
                node = self._record(node, 0)
                self._v4_depth += 1
            self._v4_start = node
        self._cache = {}

    def _record(self, node, bit):
        b = self.buf
        o = node * self.node_bytes
        if self.record_size == 24:
            o += 3 * bit
            return (b[o] << 16) | (b[o + 1] << 8) | b[o + 2]
        if self.record_size == 28:
            if bit == 0:
                return ((b[o + 3] & 0xF0) << 20) | (b[o] << 16) | (b[o + 1] << 8) | b[o + 2]
            return ((b[o + 3] & 0x0F) << 24) | (b[o + 4] << 16) | (b[o + 5] << 8) | b[o + 6]
        return struct.unpack_from(">I", b, o + 4 * bit)[0]

    def lookup4(self, ip):
        """(record or None, prefix length) for an IPv4 address given as an int."""
        node = self._v4_start
        depth = 0
        while depth < 32 and node < self.node_count:
            node = self._record(node, (ip >> (31 - depth)) & 1)
            depth += 1
        if node == self.node_count or node < self.node_count:
            return None, depth
        off = node - self.node_count - 16
        rec = self._cache.get(off)
        if rec is None:
            rec, _ = self._decode(self.data_start + off, self.data_start)
            if len(self._cache) < 200000:
                self._cache[off] = rec
        return rec, depth

    def _decode(self, pos, base):
        b = self.buf
        if pos >= len(b):
            raise MMDBError("data pointer beyond the end of the file")
        ctrl = b[pos]
        pos += 1
        typ = ctrl >> 5
        if typ == 1:  # pointer: the value lives elsewhere; decoding goes on after the pointer
            ss = (ctrl >> 3) & 3
            v = ctrl & 7
            if ss == 0:
                p = (v << 8) | b[pos]
                pos += 1
            elif ss == 1:
                p = ((v << 16) | (b[pos] << 8) | b[pos + 1]) + 2048
                pos += 2
            elif ss == 2:
                p = ((v << 24) | (b[pos] << 16) | (b[pos + 1] << 8) | b[pos + 2]) + 526336
                pos += 3
            else:
                p = struct.unpack_from(">I", b, pos)[0]
                pos += 4
            val, _ = self._decode(base + p, base)
            return val, pos
        if typ == 0:
            typ = 7 + b[pos]
            pos += 1
        size = ctrl & 0x1F
        if size == 29:
            size = 29 + b[pos]
            pos += 1
        elif size == 30:
            size = 285 + ((b[pos] << 8) | b[pos + 1])
            pos += 2
        elif size == 31:
            size = 65821 + ((b[pos] << 16) | (b[pos + 1] << 8) | b[pos + 2])
            pos += 3
        if typ == 2:
            return b[pos:pos + size].decode("utf-8", "replace"), pos + size
        if typ == 3:
            return struct.unpack_from(">d", b, pos)[0], pos + 8
        if typ == 4:
            return b[pos:pos + size], pos + size
        if typ in (5, 6, 9, 10):
            return int.from_bytes(b[pos:pos + size], "big"), pos + size
        if typ == 8:
            return int.from_bytes(b[pos:pos + size].rjust(4, b"\0"), "big", signed=True), \
                pos + size
        if typ == 7:
            out = {}
            for _ in range(size):
                k, pos = self._decode(pos, base)
                v, pos = self._decode(pos, base)
                out[k] = v
            return out, pos
        if typ == 11:
            out = []
            for _ in range(size):
                v, pos = self._decode(pos, base)
                out.append(v)
            return out, pos
        if typ == 14:
            return bool(size), pos
        if typ == 15:
            return struct.unpack_from(">f", b, pos)[0], pos + 4
        raise MMDBError("unknown data type %d" % typ)


def city_fields(rec):
    """(country, region, city, lat, lon, radius_km, time_zone) of a City record in either the
    MaxMind schema (GeoLite2) or the flat one of ip-location-db (DB-IP lite, geolite2-city-mmdb).
    City is "" for a country-only hit; radius is None when the database gives none."""
    if not isinstance(rec, dict):
        return None
    if "country" in rec or "location" in rec or "city" in rec and isinstance(rec["city"], dict):
        cc = (rec.get("country") or rec.get("registered_country") or {}).get("iso_code", "")
        city = ((rec.get("city") or {}).get("names") or {}).get("en", "")
        subs = rec.get("subdivisions") or [{}]
        region = (subs[0].get("names") or {}).get("en", "")
        loc = rec.get("location") or {}
        return (cc, region, city, loc.get("latitude"), loc.get("longitude"),
                loc.get("accuracy_radius"), loc.get("time_zone", ""))
    return (rec.get("country_code", ""), rec.get("state1", ""), rec.get("city", ""),
            rec.get("latitude"), rec.get("longitude"), None, rec.get("timezone", ""))
