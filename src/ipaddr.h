/*
 * Client addresses as logs write them: "203.0.113.7", "203.0.113.7:51234" (Envoy, Traefik),
 * "[2001:db8::1]:443", "203.0.113.7, 10.0.0.1" (X-Forwarded-For lists), or a name
 * ("AWS Internal", "ec2.amazonaws.com" in CloudTrail).
 */
#ifndef KEYTRAIL_IPADDR_H
#define KEYTRAIL_IPADDR_H

#include <keytrail/common.h>
#include <keytrail/geo.h>

/* The address part of s: first list element, without brackets or port. Non-addresses are
 * returned trimmed. */
struct kt_str kt_ip_clean(struct kt_str s);

/* Parses a bare IPv4 or IPv6 address (no port, no brackets). */
bool kt_ip_parse(struct kt_str s, struct kt_ip *out);

#endif
