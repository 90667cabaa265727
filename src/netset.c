/*
 * Network sets (netset.h). Entries live in one array; an open-addressing index maps
 * (prefix length, masked address) to an entry. A lookup masks the address once per distinct
 * prefix length, longest first.
 */
#include "netset.h"

#include <stdio.h>
#include <stdlib.h>

#include "hash.h"
#include "linefile.h"

struct net_entry {
    uint8_t addr[16]; /* masked to prefix */
    uint8_t prefix;   /* of the 128-bit form */
    char *label;
};

struct kt_netset {
    struct net_entry *entries;
    size_t n, cap;
    uint32_t *index; /* entry number + 1, 0 = empty */
    size_t index_cap;
    bool prefix_used[129];
};

enum kt_rc kt_netset_new(struct kt_netset **out)
{
    *out = calloc(1, sizeof(**out));
    return *out ? KT_OK : KT_ENOMEM;
}

void kt_netset_free(struct kt_netset *set)
{
    if (set == NULL) {
        return;
    }
    for (size_t i = 0; i < set->n; i++) {
        free(set->entries[i].label);
    }
    free(set->entries);
    free(set->index);
    free(set);
}

size_t kt_netset_count(const struct kt_netset *set)
{
    return set != NULL ? set->n : 0;
}

static void mask(uint8_t out[16], const uint8_t in[16], unsigned prefix)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned bits = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - i * 8 : 0;
        out[i] = (uint8_t)(in[i] & (uint8_t)(0xff00u >> bits));
    }
}

static size_t slot_of(const struct kt_netset *set, const uint8_t addr[16], unsigned prefix)
{
    uint8_t key[17];
    memcpy(key, addr, 16);
    key[16] = (uint8_t)prefix;
    return (size_t)kt_hash(key, sizeof(key)) & (set->index_cap - 1);
}

static void index_put(struct kt_netset *set, size_t entry)
{
    const struct net_entry *e = &set->entries[entry];
    for (size_t i = slot_of(set, e->addr, e->prefix);; i = (i + 1) & (set->index_cap - 1)) {
        if (set->index[i] == 0) {
            set->index[i] = (uint32_t)entry + 1;
            return;
        }
    }
}

static const struct net_entry *index_get(const struct kt_netset *set, const uint8_t addr[16],
                                         unsigned prefix)
{
    for (size_t i = slot_of(set, addr, prefix);; i = (i + 1) & (set->index_cap - 1)) {
        uint32_t v = set->index[i];
        if (v == 0) {
            return NULL;
        }
        const struct net_entry *e = &set->entries[v - 1];
        if (e->prefix == prefix && memcmp(e->addr, addr, 16) == 0) {
            return e;
        }
    }
}

static enum kt_rc grow_index(struct kt_netset *set)
{
    size_t ncap = set->index_cap ? set->index_cap * 2 : 64;
    uint32_t *ni = calloc(ncap, sizeof(*ni));
    if (ni == NULL) {
        return KT_ENOMEM;
    }
    free(set->index);
    set->index = ni;
    set->index_cap = ncap;
    for (size_t i = 0; i < set->n; i++) {
        index_put(set, i);
    }
    return KT_OK;
}

enum kt_rc kt_netset_add(struct kt_netset *set, struct kt_str cidr, struct kt_str label)
{
    cidr = kt_str_trim(cidr);
    const char *slash = memchr(cidr.ptr, '/', cidr.len);
    struct kt_str addr = slash ? kt_str_make(cidr.ptr, (size_t)(slash - cidr.ptr)) : cidr;
    struct kt_ip ip;
    if (!kt_ip_parse(addr, &ip)) {
        return KT_EINVAL;
    }
    unsigned max = ip.v4 ? 32 : 128, prefix = max;
    if (slash != NULL) {
        size_t n = cidr.len - (size_t)(slash - cidr.ptr) - 1;
        if (n == 0 || n > 3) {
            return KT_EINVAL;
        }
        prefix = 0;
        for (size_t i = 0; i < n; i++) {
            char c = slash[1 + i];
            if (c < '0' || c > '9') {
                return KT_EINVAL;
            }
            prefix = prefix * 10 + (unsigned)(c - '0');
        }
        if (prefix > max) {
            return KT_EINVAL;
        }
    }
    if (ip.v4) {
        prefix += 96;
    }
    if (set->n == set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : 16;
        struct net_entry *ne = realloc(set->entries, ncap * sizeof(*ne));
        if (ne == NULL) {
            return KT_ENOMEM;
        }
        set->entries = ne;
        set->cap = ncap;
    }
    struct net_entry *e = &set->entries[set->n];
    mask(e->addr, ip.b, prefix);
    e->prefix = (uint8_t)prefix;
    if (set->index_cap > 0 && index_get(set, e->addr, prefix) != NULL) {
        return KT_OK; /* already present: first label wins */
    }
    e->label = malloc(label.len + 1);
    if (e->label == NULL) {
        return KT_ENOMEM;
    }
    kt_str_copy(e->label, label.len + 1, label);
    set->n++;
    set->prefix_used[prefix] = true;
    if ((set->n + 1) * 2 > set->index_cap) {
        return grow_index(set);
    }
    index_put(set, set->n - 1);
    return KT_OK;
}

const char *kt_netset_match(const struct kt_netset *set, struct kt_str addr)
{
    struct kt_ip ip;
    if (set == NULL || set->n == 0 || !kt_ip_parse(addr, &ip)) {
        return NULL;
    }
    return kt_netset_match_ip(set, &ip);
}

const char *kt_netset_match_ip(const struct kt_netset *set, const struct kt_ip *ip)
{
    if (set == NULL || set->n == 0) {
        return NULL;
    }
    uint8_t masked[16];
    for (int prefix = 128; prefix >= 0; prefix--) {
        if (!set->prefix_used[prefix]) {
            continue;
        }
        mask(masked, ip->b, (unsigned)prefix);
        const struct net_entry *e = index_get(set, masked, (unsigned)prefix);
        if (e != NULL) {
            return e->label;
        }
    }
    return NULL;
}

/* A line is too long for a network and a label well before this. */
#define NETSET_MAX_LINE 4096

static enum kt_rc parse_line(void *ctx, struct kt_str line, const char *name, uint64_t lineno,
                             struct kt_err *err)
{
    struct kt_netset *set = ctx;
    struct kt_str s = kt_str_trim(line);
    if (s.len == 0 || s.ptr[0] == '#') {
        return KT_OK;
    }
    if (kt_lines_has_control(s)) {
        return kt_err_at(err, KT_EPARSE, name, lineno, "control characters in the line");
    }
    size_t n = 0;
    while (n < s.len && s.ptr[n] != ' ' && s.ptr[n] != '\t' && s.ptr[n] != ',') {
        n++;
    }
    struct kt_str label = kt_str_trim(kt_str_make(s.ptr + n, s.len - n));
    if (label.len > 0 && label.ptr[0] == ',') {
        label = kt_str_trim(kt_str_make(label.ptr + 1, label.len - 1));
    }
    enum kt_rc rc = kt_netset_add(set, kt_str_make(s.ptr, n), label);
    if (rc == KT_EINVAL) {
        return kt_err_at(err, KT_EPARSE, name, lineno,
                         "not an address or network (CIDR such as 203.0.113.0/24 or "
                         "2001:db8::/32)");
    }
    if (rc != KT_OK) {
        return kt_err_at(err, rc, name, lineno, "%s", kt_strerror(rc));
    }
    return KT_OK;
}

enum kt_rc kt_netset_load(struct kt_netset *set, const char *path, struct kt_err *err)
{
    return kt_lines_file(path, NETSET_MAX_LINE, parse_line, set, err);
}

enum kt_rc kt_netset_load_buffer(struct kt_netset *set, const char *name, const char *buf,
                                 size_t len, struct kt_err *err)
{
    return kt_lines_buffer(name, buf, len, NETSET_MAX_LINE, parse_line, set, err);
}
