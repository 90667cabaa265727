/*
 * Writing MaxMind DB files (mmdb_writer.h), from the MaxMind DB File Format Specification 2.0.
 *
 * A file is a binary search tree, 16 zero bytes, a data section and a metadata map after the
 * marker "\xAB\xCD\xEFMaxMind.com".
 *
 * Data. Each entry becomes one record (a map) in the chosen schema; records are encoded into a
 * scratch buffer and looked up in a small hash table of what is already in the data section, so
 * identical records are written once and every network that has them points at the same bytes.
 * The data section is laid out in the order records first appear in the input. An entry whose
 * record would be empty (an ASN database row without asn or as_org) is not inserted at all, so
 * it does not hide a covering network that has data.
 *
 * Tree. A binary trie over 128-bit keys, one level per bit. IPv4 networks sit at ::/96 (the
 * first 96 bits zero), where libmaxminddb starts IPv4 lookups in an IPv6 database, and the
 * IPv4-mapped block ::ffff:0:0/96 points at that same subtree, as MaxMind's databases do (6to4,
 * 2002::/16, is not aliased). Networks are inserted from the least to the most specific (ties
 * in input order), so a more specific network always carves its range out of a covering one
 * whatever the input order, and a network given twice keeps the later row's data. Inserting
 * into a range held by a data record splits it into a node whose both halves hold that record.
 * The trie is numbered breadth first from the root; the record size is the smallest of 24, 28
 * and 32 bits that can address every node and every data record.
 *
 * Output. The file is written to a temporary name beside the target and renamed over it, so a
 * process that has the old database mapped never sees a half-written file. Nothing depends on
 * the clock or on hash seeds: the same entries always give the same bytes. build_epoch is a
 * fixed 1 unless a caller asks otherwise (libmaxminddb refuses 0 as "missing").
 */
#include "mmdb_writer_ex.h"
#include "utf8.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"

/* Data types of the format. */
enum {
    T_STRING = 2,
    T_DOUBLE = 3,
    T_UINT16 = 5,
    T_UINT32 = 6,
    T_MAP = 7,
    T_UINT64 = 9,
    T_ARRAY = 11,
    T_FLOAT = 15,
};

/* A record in the in-memory trie: REC_EMPTY, a node index (the root, 0, is never a child), or
 * REC_DATA | offset into the data section. */
#define REC_EMPTY 0u
#define REC_DATA 0x80000000u
#define MAX_NODES 0x7fffffffu

#define MAX_DATABASE_TYPE 255
#define SEPARATOR_LEN 16

static const uint8_t metadata_marker[] = { 0xAB, 0xCD, 0xEF, 'M', 'a', 'x', 'M', 'i', 'n', 'd',
                                           '.', 'c', 'o', 'm' };

/* ---- growable byte buffer ---- */

struct buf {
    uint8_t *p;
    size_t len, cap;
    bool oom;
};

static void buf_put(struct buf *b, const void *data, size_t n)
{
    if (b->oom || n == 0) {
        return;
    }
    if (n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n) {
            if (cap > SIZE_MAX / 2) {
                b->oom = true;
                return;
            }
            cap *= 2;
        }
        uint8_t *p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void buf_byte(struct buf *b, uint8_t v)
{
    buf_put(b, &v, 1);
}

static void buf_fini(struct buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* ---- data section encoding ---- */

/* Control byte(s) for a field of the given type and payload size (pairs for maps, elements for
 * arrays). Sizes here never exceed the format's 16 843 036. */
static void put_ctrl(struct buf *b, unsigned type, size_t size)
{
    uint8_t ext[3];
    size_t n_ext = 0;
    unsigned bits;
    if (size < 29) {
        bits = (unsigned)size;
    } else if (size < 285) {
        bits = 29;
        ext[0] = (uint8_t)(size - 29);
        n_ext = 1;
    } else if (size < 65821) {
        size_t v = size - 285;
        bits = 30;
        ext[0] = (uint8_t)(v >> 8);
        ext[1] = (uint8_t)v;
        n_ext = 2;
    } else {
        size_t v = size - 65821;
        bits = 31;
        ext[0] = (uint8_t)(v >> 16);
        ext[1] = (uint8_t)(v >> 8);
        ext[2] = (uint8_t)v;
        n_ext = 3;
    }
    if (type <= 7) {
        buf_byte(b, (uint8_t)(type << 5 | bits));
    } else {
        buf_byte(b, (uint8_t)bits);
        buf_byte(b, (uint8_t)(type - 7));
    }
    buf_put(b, ext, n_ext);
}

static void put_string(struct buf *b, const char *s)
{
    size_t n = strlen(s);
    put_ctrl(b, T_STRING, n);
    buf_put(b, s, n);
}

/* Unsigned integers use as few big-endian bytes as their value needs (none for 0). */
static void put_uint(struct buf *b, unsigned type, uint64_t v)
{
    uint8_t be[8];
    size_t n = 0;
    for (uint64_t x = v; x != 0; x >>= 8) {
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        be[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    }
    put_ctrl(b, type, n);
    buf_put(b, be, n);
}

static void put_double(struct buf *b, double d)
{
    uint64_t bits;
    uint8_t be[8];
    memcpy(&bits, &d, sizeof(bits));
    for (int i = 0; i < 8; i++) {
        be[i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    put_ctrl(b, T_DOUBLE, 8);
    buf_put(b, be, 8);
}

static void put_float(struct buf *b, float f)
{
    uint32_t bits;
    uint8_t be[4];
    memcpy(&bits, &f, sizeof(bits));
    for (int i = 0; i < 4; i++) {
        be[i] = (uint8_t)(bits >> (24 - 8 * i));
    }
    put_ctrl(b, T_FLOAT, 4);
    buf_put(b, be, 4);
}

static void put_names_en(struct buf *b, const char *name)
{
    put_string(b, "names");
    put_ctrl(b, T_MAP, 1);
    put_string(b, "en");
    put_string(b, name);
}

/*
 * GeoIP2/GeoLite2-City layout:
 *   {"city":{"names":{"en":…}}, "country":{"iso_code":…,"names":{"en":…}},
 *    "subdivisions":[{"names":{"en":…}}],
 *    "location":{"accuracy_radius":uint16,"latitude":double,"longitude":double}}
 */
static size_t encode_maxmind_city(struct buf *b, const struct kt_mmdb_entry *e)
{
    bool has_city = e->city[0] != '\0';
    bool has_iso = e->country[0] != '\0';
    bool has_cname = e->country_name[0] != '\0';
    bool has_region = e->region[0] != '\0';
    size_t pairs = (size_t)has_city + (size_t)(has_iso || has_cname) + (size_t)e->has_location +
                   (size_t)has_region;
    put_ctrl(b, T_MAP, pairs);
    if (has_city) {
        put_string(b, "city");
        put_ctrl(b, T_MAP, 1);
        put_names_en(b, e->city);
    }
    if (has_region) {
        put_string(b, "subdivisions");
        put_ctrl(b, T_ARRAY, 1);
        put_ctrl(b, T_MAP, 1);
        put_names_en(b, e->region);
    }
    if (has_iso || has_cname) {
        put_string(b, "country");
        put_ctrl(b, T_MAP, (size_t)has_iso + (size_t)has_cname);
        if (has_iso) {
            put_string(b, "iso_code");
            put_string(b, e->country);
        }
        if (has_cname) {
            put_names_en(b, e->country_name);
        }
    }
    if (e->has_location) {
        /* The radius MaxMind gives is tens of km for a city and hundreds for a region or a
         * country. */
        uint16_t radius = e->accuracy_km ? e->accuracy_km : (has_city ? 20 : 500);
        put_string(b, "location");
        put_ctrl(b, T_MAP, 3);
        put_string(b, "accuracy_radius");
        put_uint(b, T_UINT16, radius);
        put_string(b, "latitude");
        put_double(b, e->lat);
        put_string(b, "longitude");
        put_double(b, e->lon);
    }
    return pairs;
}

/*
 * The flat layout of ip-location-db's City mmdb files (dbip-city-mmdb, geolite2-city-mmdb):
 * top-level "country_code", "state1", "city" (also "state2", "postcode", "timezone", which we
 * have no data for) and "latitude"/"longitude" as 32-bit floats, which is what their readers
 * decode them as. (DB-IP's own lite .mmdb downloads use the GeoIP2 layout above.)
 */
static size_t encode_flat_city(struct buf *b, const struct kt_mmdb_entry *e)
{
    bool has_city = e->city[0] != '\0';
    bool has_iso = e->country[0] != '\0';
    bool has_region = e->region[0] != '\0';
    size_t pairs = (size_t)has_city + (size_t)has_iso + (size_t)has_region +
                   (e->has_location ? 2u : 0u);
    put_ctrl(b, T_MAP, pairs);
    if (has_city) {
        put_string(b, "city");
        put_string(b, e->city);
    }
    if (has_region) {
        put_string(b, "state1");
        put_string(b, e->region);
    }
    if (has_iso) {
        put_string(b, "country_code");
        put_string(b, e->country);
    }
    if (e->has_location) {
        put_string(b, "latitude");
        put_float(b, (float)e->lat);
        put_string(b, "longitude");
        put_float(b, (float)e->lon);
    }
    return pairs;
}

/* GeoLite2-ASN layout: {"autonomous_system_number":uint32,
 * "autonomous_system_organization":string}. */
static size_t encode_asn(struct buf *b, const struct kt_mmdb_entry *e)
{
    bool has_org = e->as_org[0] != '\0';
    size_t pairs = (size_t)(e->asn != 0) + (size_t)has_org;
    put_ctrl(b, T_MAP, pairs);
    if (e->asn != 0) {
        put_string(b, "autonomous_system_number");
        put_uint(b, T_UINT32, e->asn);
    }
    if (has_org) {
        put_string(b, "autonomous_system_organization");
        put_string(b, e->as_org);
    }
    return pairs;
}

static size_t encode_record(struct buf *b, enum kt_mmdb_schema schema,
                            const struct kt_mmdb_entry *e)
{
    switch (schema) {
    case KT_MMDB_MAXMIND_CITY: return encode_maxmind_city(b, e);
    case KT_MMDB_FLAT_CITY: return encode_flat_city(b, e);
    case KT_MMDB_ASN: return encode_asn(b, e);
    }
    return 0;
}

/* ---- validation ---- */


static bool field_ok(const char *s, size_t cap)
{
    const char *nul = memchr(s, '\0', cap);
    return nul != NULL && kt_utf8_valid(s, (size_t)(nul - s));
}

static bool country_ok(const char *c)
{
    if (c[0] == '\0') {
        return true;
    }
    return c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' && c[2] == '\0';
}

static bool is_v4_mapped(const uint8_t b[16])
{
    static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    return memcmp(b, prefix, sizeof(prefix)) == 0;
}

/* Checks an entry and computes its tree key: IPv4 (flagged, or IPv4-mapped with a prefix of at
 * least 96) moves to ::/96. */
static enum kt_rc check_entry(const struct kt_mmdb_entry *e, size_t i, uint8_t key[16],
                              struct kt_err *err)
{
    if (e->prefix > 128) {
        return kt_err_set(err, KT_EINVAL, "entry %zu: prefix %u is over 128", i, e->prefix);
    }
    bool v4 = e->network.v4 || (is_v4_mapped(e->network.b) && e->prefix >= 96);
    if (e->network.v4 && (e->prefix < 96 || !is_v4_mapped(e->network.b))) {
        return kt_err_set(err, KT_EINVAL,
                          "entry %zu: an IPv4 network must be IPv4-mapped with prefix 96..128",
                          i);
    }
    memcpy(key, e->network.b, 16);
    if (v4) {
        key[10] = 0;
        key[11] = 0;
    }
    if (!field_ok(e->country, sizeof(e->country)) || !country_ok(e->country)) {
        return kt_err_set(err, KT_EINVAL, "entry %zu: country is not two letters A-Z", i);
    }
    if (!field_ok(e->country_name, sizeof(e->country_name)) ||
        !field_ok(e->city, sizeof(e->city)) || !field_ok(e->region, sizeof(e->region)) ||
        !field_ok(e->as_org, sizeof(e->as_org))) {
        return kt_err_set(err, KT_EINVAL, "entry %zu: a name is not terminated UTF-8", i);
    }
    if (e->has_location && !(isfinite(e->lat) && isfinite(e->lon) && e->lat >= -90.0 &&
                             e->lat <= 90.0 && e->lon >= -180.0 && e->lon <= 180.0)) {
        return kt_err_set(err, KT_EINVAL, "entry %zu: coordinates out of range", i);
    }
    return KT_OK;
}

/* ---- data records, deduplicated ---- */

struct dedup {
    struct buf data;    /* the data section */
    uint32_t *slots;    /* index into recs + 1; 0 is empty */
    size_t n_slots;
    struct {
        uint32_t off, len;
        uint64_t hash;
    } *recs;
    size_t n_recs;
};

/* Adds the record in b to the data section unless it is already there; *off gets its offset. */
static enum kt_rc dedup_add(struct dedup *d, const struct buf *b, uint32_t *off)
{
    if (d->n_recs * 2 >= d->n_slots) {
        size_t n = d->n_slots ? d->n_slots * 2 : 1024;
        uint32_t *slots = calloc(n, sizeof(*slots));
        void *recs = realloc(d->recs, (n / 2) * sizeof(*d->recs));
        if (slots == NULL || recs == NULL) {
            free(slots);
            if (recs != NULL) {
                d->recs = recs;
            }
            return KT_ENOMEM;
        }
        d->recs = recs;
        for (size_t i = 0; i < d->n_recs; i++) {
            size_t s = (size_t)d->recs[i].hash & (n - 1);
            while (slots[s] != 0) {
                s = (s + 1) & (n - 1);
            }
            slots[s] = (uint32_t)i + 1;
        }
        free(d->slots);
        d->slots = slots;
        d->n_slots = n;
    }
    uint64_t h = kt_hash(b->p, b->len);
    size_t s = (size_t)h & (d->n_slots - 1);
    while (d->slots[s] != 0) {
        size_t r = d->slots[s] - 1;
        if (d->recs[r].hash == h && d->recs[r].len == b->len &&
            memcmp(d->data.p + d->recs[r].off, b->p, b->len) == 0) {
            *off = d->recs[r].off;
            return KT_OK;
        }
        s = (s + 1) & (d->n_slots - 1);
    }
    if (d->data.len > (REC_DATA - 1) - b->len) {
        return KT_ELIMIT;
    }
    *off = (uint32_t)d->data.len;
    buf_put(&d->data, b->p, b->len);
    if (d->data.oom) {
        return KT_ENOMEM;
    }
    d->recs[d->n_recs].off = *off;
    d->recs[d->n_recs].len = (uint32_t)b->len;
    d->recs[d->n_recs].hash = h;
    d->n_recs++;
    d->slots[s] = (uint32_t)d->n_recs;
    return KT_OK;
}

static void dedup_fini(struct dedup *d)
{
    buf_fini(&d->data);
    free(d->slots);
    free(d->recs);
}

/* ---- the trie ---- */

struct trie {
    uint32_t (*rec)[2];
    size_t n, cap;
};

static bool rec_is_node(uint32_t r)
{
    return r != REC_EMPTY && (r & REC_DATA) == 0;
}

/* A new node with both records set to fill; returns its index, or 0 when out of memory. */
static uint32_t trie_node(struct trie *t, uint32_t fill)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        if (cap > MAX_NODES) {
            cap = MAX_NODES;
        }
        if (t->n >= cap) {
            return 0;
        }
        void *p = realloc(t->rec, cap * sizeof(*t->rec));
        if (p == NULL) {
            return 0;
        }
        t->rec = p;
        t->cap = cap;
    }
    t->rec[t->n][0] = fill;
    t->rec[t->n][1] = fill;
    return (uint32_t)t->n++;
}

static unsigned key_bit(const uint8_t key[16], unsigned depth)
{
    return (key[depth / 8] >> (7 - depth % 8)) & 1u;
}

/* Sets the record for key/prefix to value, splitting covering records on the way down. */
static enum kt_rc trie_insert(struct trie *t, const uint8_t key[16], unsigned prefix,
                              uint32_t value)
{
    if (prefix == 0) {
        t->rec[0][0] = value;
        t->rec[0][1] = value;
        return KT_OK;
    }
    uint32_t cur = 0;
    for (unsigned d = 0; d + 1 < prefix; d++) {
        unsigned bit = key_bit(key, d);
        uint32_t r = t->rec[cur][bit];
        if (!rec_is_node(r)) {
            uint32_t node = trie_node(t, r);
            if (node == 0) {
                return KT_ENOMEM;
            }
            t->rec[cur][bit] = node;
            r = node;
        }
        cur = r;
    }
    t->rec[cur][key_bit(key, prefix - 1)] = value;
    return KT_OK;
}

/* Points ::ffff:0:0/96 at whatever ::/96 (the IPv4 space) holds: its subtree, or the record of
 * a network that covers it. */
static enum kt_rc trie_alias_v4_mapped(struct trie *t)
{
    static const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    uint32_t node = 0, r = REC_EMPTY;
    for (unsigned d = 0; d < 96; d++) {
        r = t->rec[node][0];
        if (!rec_is_node(r)) {
            break;
        }
        node = r;
    }
    if (r == REC_EMPTY) {
        return KT_OK;
    }
    return trie_insert(t, mapped, 96, r);
}

/* ---- output ---- */

unsigned kt_mmdb_record_size_for(uint64_t node_count, uint64_t data_len)
{
    /* Every record value is below node_count + 16 + data_len. */
    uint64_t top = node_count + SEPARATOR_LEN + data_len;
    if (top <= (1ull << 24)) {
        return 24;
    }
    if (top <= (1ull << 28)) {
        return 28;
    }
    if (top <= (1ull << 32)) {
        return 32;
    }
    return 0;
}

static void put_node(uint8_t *out, unsigned record_size, uint32_t left, uint32_t right)
{
    switch (record_size) {
    case 24:
        out[0] = (uint8_t)(left >> 16);
        out[1] = (uint8_t)(left >> 8);
        out[2] = (uint8_t)left;
        out[3] = (uint8_t)(right >> 16);
        out[4] = (uint8_t)(right >> 8);
        out[5] = (uint8_t)right;
        break;
    case 28:
        /* The top four bits of each record share the middle byte: left's high, right's low. */
        out[0] = (uint8_t)(left >> 16);
        out[1] = (uint8_t)(left >> 8);
        out[2] = (uint8_t)left;
        out[3] = (uint8_t)(((left >> 24) & 0x0Fu) << 4 | ((right >> 24) & 0x0Fu));
        out[4] = (uint8_t)(right >> 16);
        out[5] = (uint8_t)(right >> 8);
        out[6] = (uint8_t)right;
        break;
    default:
        for (int i = 0; i < 4; i++) {
            out[i] = (uint8_t)(left >> (24 - 8 * i));
            out[4 + i] = (uint8_t)(right >> (24 - 8 * i));
        }
        break;
    }
}

static const char *default_description(enum kt_mmdb_schema schema)
{
    switch (schema) {
    case KT_MMDB_MAXMIND_CITY: return "keytrail networks, GeoIP2-City layout";
    case KT_MMDB_FLAT_CITY: return "keytrail networks, flat city layout (ip-location-db)";
    case KT_MMDB_ASN: return "keytrail networks, GeoLite2-ASN layout";
    }
    return "keytrail networks";
}

static void encode_metadata(struct buf *b, const char *database_type, const char *description,
                            uint32_t node_count, unsigned record_size, uint64_t build_epoch)
{
    buf_put(b, metadata_marker, sizeof(metadata_marker));
    put_ctrl(b, T_MAP, 9);
    put_string(b, "binary_format_major_version");
    put_uint(b, T_UINT16, 2);
    put_string(b, "binary_format_minor_version");
    put_uint(b, T_UINT16, 0);
    put_string(b, "build_epoch");
    put_uint(b, T_UINT64, build_epoch);
    put_string(b, "database_type");
    put_string(b, database_type);
    put_string(b, "description");
    put_ctrl(b, T_MAP, 1);
    put_string(b, "en");
    put_string(b, description);
    put_string(b, "ip_version");
    put_uint(b, T_UINT16, 6);
    put_string(b, "languages");
    put_ctrl(b, T_ARRAY, 1);
    put_string(b, "en");
    put_string(b, "node_count");
    put_uint(b, T_UINT32, node_count);
    put_string(b, "record_size");
    put_uint(b, T_UINT16, record_size);
}

struct order {
    unsigned prefix;
    size_t index;
};

static int order_cmp(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    if (x->prefix != y->prefix) {
        return x->prefix < y->prefix ? -1 : 1;
    }
    return x->index < y->index ? -1 : (x->index > y->index ? 1 : 0);
}

/* Writes the numbered trie, separator, data and metadata to f. */
static bool write_file(FILE *f, const struct trie *t, const uint32_t *order, size_t n_nodes,
                       const uint32_t *newid, unsigned record_size, const struct buf *data,
                       const struct buf *meta)
{
    uint8_t node[8];
    size_t node_bytes = record_size / 4;
    for (size_t i = 0; i < n_nodes; i++) {
        uint32_t v[2];
        for (int side = 0; side < 2; side++) {
            uint32_t r = t->rec[order[i]][side];
            if (r == REC_EMPTY) {
                v[side] = (uint32_t)n_nodes;
            } else if (r & REC_DATA) {
                v[side] = (uint32_t)(n_nodes + SEPARATOR_LEN + (r & ~REC_DATA));
            } else {
                v[side] = newid[r];
            }
        }
        put_node(node, record_size, v[0], v[1]);
        if (fwrite(node, 1, node_bytes, f) != node_bytes) {
            return false;
        }
    }
    static const uint8_t zeros[SEPARATOR_LEN];
    if (fwrite(zeros, 1, sizeof(zeros), f) != sizeof(zeros)) {
        return false;
    }
    if (data->len > 0 && fwrite(data->p, 1, data->len, f) != data->len) {
        return false;
    }
    return fwrite(meta->p, 1, meta->len, f) == meta->len;
}

enum kt_rc kt_mmdb_write_ex(const char *path, enum kt_mmdb_schema schema,
                            const char *database_type, const struct kt_mmdb_entry *entries,
                            size_t n, const struct kt_mmdb_write_opts *opts, struct kt_err *err)
{
    static const struct kt_mmdb_write_opts defaults = { 0, 0, NULL };
    enum kt_rc rc = KT_OK;
    struct dedup dd;
    struct buf rec = { 0 }, meta = { 0 };
    struct trie t = { 0 };
    struct order *ord = NULL;
    uint32_t *data_of = NULL, *bfs = NULL, *newid = NULL;
    char *tmp = NULL;
    FILE *f = NULL;
    memset(&dd, 0, sizeof(dd));
    if (opts == NULL) {
        opts = &defaults;
    }
    if (path == NULL || (entries == NULL && n > 0) || (unsigned)schema > KT_MMDB_ASN) {
        return kt_err_set(err, KT_EINVAL, "mmdb writer: bad arguments");
    }
    if (database_type == NULL || database_type[0] == '\0' ||
        strlen(database_type) > MAX_DATABASE_TYPE ||
        !kt_utf8_valid(database_type, strlen(database_type))) {
        return kt_err_at(err, KT_EINVAL, path, 0, "database type must be 1-255 bytes of UTF-8");
    }
    const char *description = opts->description ? opts->description : default_description(schema);
    if (strlen(description) > 1024 || !kt_utf8_valid(description, strlen(description))) {
        return kt_err_at(err, KT_EINVAL, path, 0, "description must be up to 1 KiB of UTF-8");
    }
    if (opts->min_record_size != 0 && opts->min_record_size != 24 &&
        opts->min_record_size != 28 && opts->min_record_size != 32) {
        return kt_err_at(err, KT_EINVAL, path, 0, "record size must be 24, 28 or 32");
    }

    /* Encode and deduplicate every record; remember which networks have one. */
    ord = malloc((n ? n : 1) * sizeof(*ord));
    data_of = malloc((n ? n : 1) * sizeof(*data_of));
    if (ord == NULL || data_of == NULL) {
        rc = kt_err_set(err, KT_ENOMEM, "mmdb writer: out of memory");
        goto out;
    }
    size_t n_ord = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t key[16];
        rc = check_entry(&entries[i], i, key, err);
        if (rc != KT_OK) {
            if (err != NULL) {
                snprintf(err->where, sizeof(err->where), "%s", path);
            }
            goto out;
        }
        rec.len = 0;
        if (encode_record(&rec, schema, &entries[i]) == 0) {
            continue;
        }
        if (rec.oom) {
            rc = kt_err_set(err, KT_ENOMEM, "mmdb writer: out of memory");
            goto out;
        }
        rc = dedup_add(&dd, &rec, &data_of[i]);
        if (rc != KT_OK) {
            kt_err_at(err, rc, path, 0, "%s", rc == KT_ENOMEM ? "out of memory"
                                                               : "data section over 2 GiB");
            goto out;
        }
        ord[n_ord].prefix = entries[i].prefix;
        ord[n_ord].index = i;
        n_ord++;
    }
    qsort(ord, n_ord, sizeof(*ord), order_cmp);

    /* Build the trie from the least specific network to the most specific. */
    (void)trie_node(&t, REC_EMPTY); /* the root, node 0 */
    if (t.n != 1) {
        rc = kt_err_set(err, KT_ENOMEM, "mmdb writer: out of memory");
        goto out;
    }
    for (size_t k = 0; k < n_ord; k++) {
        const struct kt_mmdb_entry *e = &entries[ord[k].index];
        uint8_t key[16];
        check_entry(e, ord[k].index, key, NULL);
        rc = trie_insert(&t, key, e->prefix, REC_DATA | data_of[ord[k].index]);
        if (rc != KT_OK) {
            kt_err_at(err, rc, path, 0, "search tree: out of memory or over %u nodes",
                      MAX_NODES);
            goto out;
        }
    }
    rc = trie_alias_v4_mapped(&t);
    if (rc != KT_OK) {
        kt_err_at(err, rc, path, 0, "search tree: out of memory");
        goto out;
    }

    /* Number the nodes reachable from the root, breadth first. */
    bfs = malloc(t.n * sizeof(*bfs));
    newid = malloc(t.n * sizeof(*newid));
    if (bfs == NULL || newid == NULL) {
        rc = kt_err_set(err, KT_ENOMEM, "mmdb writer: out of memory");
        goto out;
    }
    for (size_t i = 0; i < t.n; i++) {
        newid[i] = UINT32_MAX;
    }
    size_t n_nodes = 1;
    bfs[0] = 0;
    newid[0] = 0;
    for (size_t i = 0; i < n_nodes; i++) {
        for (int side = 0; side < 2; side++) {
            uint32_t r = t.rec[bfs[i]][side];
            if (rec_is_node(r) && newid[r] == UINT32_MAX) {
                newid[r] = (uint32_t)n_nodes;
                bfs[n_nodes++] = r;
            }
        }
    }

    unsigned record_size = kt_mmdb_record_size_for(n_nodes, dd.data.len);
    if (record_size == 0) {
        rc = kt_err_at(err, KT_ELIMIT, path, 0, "tree and data too large for 32-bit records");
        goto out;
    }
    if (opts->min_record_size > record_size) {
        record_size = opts->min_record_size;
    }
    encode_metadata(&meta, database_type, description, (uint32_t)n_nodes, record_size,
                    opts->build_epoch ? opts->build_epoch : 1);
    if (meta.oom) {
        rc = kt_err_set(err, KT_ENOMEM, "mmdb writer: out of memory");
        goto out;
    }

    /* Write beside the target, then rename over it. */
    size_t plen = strlen(path);
    tmp = malloc(plen + 8);
    if (tmp == NULL) {
        rc = kt_err_set(err, KT_ENOMEM, "mmdb writer: out of memory");
        goto out;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".XXXXXX", 8);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = kt_err_at(err, KT_EIO, path, 0, "cannot create a file beside it: %s",
                       strerror(errno));
        free(tmp);
        tmp = NULL;
        goto out;
    }
    (void)fchmod(fd, 0644);
    f = fdopen(fd, "wb");
    if (f == NULL) {
        close(fd);
        rc = kt_err_at(err, KT_EIO, path, 0, "cannot write: %s", strerror(errno));
        goto out;
    }
    bool ok = write_file(f, &t, bfs, n_nodes, newid, record_size, &dd.data, &meta);
    ok = fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    int saved = errno;
    ok = fclose(f) == 0 && ok;
    f = NULL;
    if (!ok) {
        rc = kt_err_at(err, KT_EIO, path, 0, "write failed: %s", strerror(saved));
        goto out;
    }
    if (rename(tmp, path) != 0) {
        rc = kt_err_at(err, KT_EIO, path, 0, "cannot replace: %s", strerror(errno));
        goto out;
    }
    free(tmp);
    tmp = NULL;

out:
    if (f != NULL) {
        fclose(f);
    }
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    free(ord);
    free(data_of);
    free(bfs);
    free(newid);
    free(t.rec);
    buf_fini(&rec);
    buf_fini(&meta);
    dedup_fini(&dd);
    return rc;
}

enum kt_rc kt_mmdb_write(const char *path, enum kt_mmdb_schema schema, const char *database_type,
                         const struct kt_mmdb_entry *entries, size_t n, struct kt_err *err)
{
    return kt_mmdb_write_ex(path, schema, database_type, entries, n, NULL, err);
}
