/*
 * A set of networks (CIDRs) with labels: the --ip-list of known-bad addresses (Tor exits,
 * scanners) and the config file's address allowlist. Lookups hash the address masked to each
 * prefix length present, most specific first, so a list of thousands of entries costs a few
 * hash probes per lookup, not a scan.
 */
#ifndef KEYTRAIL_NETSET_H
#define KEYTRAIL_NETSET_H

#include <keytrail/error.h>

#include "ipaddr.h"

struct kt_netset;

enum kt_rc kt_netset_new(struct kt_netset **out);
void kt_netset_free(struct kt_netset *set);

/* Adds "203.0.113.0/24", "2001:db8::/32" or a bare address, with an optional label (copied).
 * KT_EINVAL for a malformed network. */
enum kt_rc kt_netset_add(struct kt_netset *set, struct kt_str cidr, struct kt_str label);

/*
 * Reads a list file: one network per line, optionally followed by whitespace or a comma and a
 * label; blank lines and '#' comments ignored. Returns KT_OK; KT_EOPEN or KT_EIO naming the
 * file; KT_EPARSE (a malformed network, control bytes) or KT_ELIMIT (a line over 4 KiB) naming
 * the file and line, never the line's content; KT_ENOMEM. Entries read before an error stay.
 */
enum kt_rc kt_netset_load(struct kt_netset *set, const char *path, struct kt_err *err);

/* Same from buf[0, len), reported as name. */
enum kt_rc kt_netset_load_buffer(struct kt_netset *set, const char *name, const char *buf,
                                 size_t len, struct kt_err *err);

/* The label of the most specific network holding addr ("" when it has none), or NULL when no
 * network holds it or addr is not an address. */
const char *kt_netset_match(const struct kt_netset *set, struct kt_str addr);

/* The same for an address already parsed (the observation stage's). */
const char *kt_netset_match_ip(const struct kt_netset *set, const struct kt_ip *ip);

size_t kt_netset_count(const struct kt_netset *set);

#endif
