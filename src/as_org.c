/*
 * Hosting and cloud networks, told from their AS organisation names (kt_as_org_is_hosting in
 * include/keytrail/geo.h).
 *
 * ASN databases say who runs a network, not what it is for. People reach APIs from access
 * networks (ISPs, mobile carriers); servers and VPSs sit in hosting networks. A browser-like
 * client coming from a hosting network, on a key only ever used from access networks, is what a
 * copied token replayed from a rented server looks like. The table holds the large providers by
 * name and the words hosting companies put in their names; matching is by whole word, ASCII
 * case-insensitively, so "Cloudflare" does not match "cloud" but "Example Cloud Europe" does.
 */
#include <keytrail/geo.h>

/* Words (lower case) that mark a hosting or cloud provider. */
static const char *const hosting_words[] = {
    "hosting", "host", "hoster", "vps", "vds", "server", "servers", "cloud", "compute",
    "datacenter", "datacentre", "colocation", "colo", "droplets", "dedicated", "virtual",
    /* providers by name */
    "amazon", "aws", "digitalocean", "hetzner", "ovh", "linode", "akamai", "vultr", "choopa",
    "contabo", "leaseweb", "scaleway", "online", "ionos", "hostinger", "m247", "alibaba",
    "tencent", "oracle", "google", "microsoft", "azure", "upcloud", "netcup", "kamatera",
    "hostwinds", "ovhcloud", "psychz", "datacamp", "gcore", "zenlayer",
};

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool kt_as_org_is_hosting(const char *org)
{
    if (org == NULL) {
        return false;
    }
    const char *p = org;
    while (*p != '\0') {
        while (*p != '\0' && !is_alnum(*p)) {
            p++;
        }
        const char *w = p;
        while (is_alnum(*p)) {
            p++;
        }
        size_t n = (size_t)(p - w);
        for (size_t i = 0; n > 0 && i < KT_ARRAY_LEN(hosting_words); i++) {
            if (strlen(hosting_words[i]) == n &&
                kt_str_eq_nocase(kt_str_make(w, n), kt_str_make(hosting_words[i], n))) {
                return true;
            }
        }
    }
    return false;
}
