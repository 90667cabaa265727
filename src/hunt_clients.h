/*
 * The key's clients for the hunt analyses: one client is the uses from one network with one
 * agent (hunt_analysis.h, struct kt_hunt_client). Clients are numbered 0, 1, 2 … in order of
 * their first use, so a client's number also says which clients came before it.
 */
#ifndef KEYTRAIL_HUNT_CLIENTS_H
#define KEYTRAIL_HUNT_CLIENTS_H

#include <keytrail/error.h>

#include "hunt_idtab.h"
#include "hunt_use.h"

/* The network a client is keyed by: the /24 or /48, else the ASN (tagged apart), else 0. */
static inline uint64_t kt_hunt_net_key(const struct kt_hunt_use *u)
{
    if (u->net_id != 0) {
        return u->net_id;
    }
    return u->asn != 0 ? (1ull << 63) | u->asn : 0;
}

/* Numbers the clients of u[0, n): of_use[i] is the client of use i (of_use holds n entries),
 * tab maps (network key, client_id) to the number (initialised here; the caller finis it).
 * Returns the number of clients, or SIZE_MAX when memory ran out. */
size_t kt_hunt_clients_number(const struct kt_hunt_use *u, size_t n, uint32_t *of_use,
                              struct kt_hunt_idtab *tab);

/* Hour of the UTC day (0-23) of a time in milliseconds, also before 1970. */
int kt_hunt_hour_of(int64_t ms);

#endif
