/*
 * Major cloud and hosting networks by AS number (kt_asn_is_hosting in keytrail/geo.h).
 *
 * An organisation name can be bland ("Amazon.com, Inc." is a shop as well as a cloud, "Packet
 * Host" hides Equinix Metal), but the AS numbers the big providers announce their server ranges
 * from are public and stable. The table lists them, sorted for a binary search; the name
 * heuristic of src/as_org.c stays the fallback for the long tail.
 *
 * Source: the providers' own published AS numbers and PeeringDB entries (public knowledge as of
 * 2026); access networks that a provider also runs (Google Fiber, Microsoft corporate) are left
 * out, and so is Cloudflare (13335): WARP users browse from it like from a VPN. Keep it sorted:
 * the unit test checks.
 *
 * Two more tables answer what the engine needs to tell fleets from thieves. Providers announce
 * their regions from several AS numbers (Amazon from 16509 and 14618, among others): a CI
 * runner in another region may arrive on another AS of the same provider, so kt_asn_provider
 * names the provider by one AS number of its group. And most commercial VPNs (NordVPN,
 * Surfshark, Proton, Mullvad, PIA...) egress from a handful of networks: kt_asn_is_vpn lists
 * those, so a person's key seen there with its usual client reads as a VPN exit, not as a
 * token replayed from a rented server.
 */
#include <keytrail/geo.h>

#include <stdlib.h>

static const uint32_t hosting_asns[] = {
    7224,   /* Amazon (AWS) */
    8068,   /* Microsoft (Azure) */
    8069,   /* Microsoft (Azure) */
    8075,   /* Microsoft (Azure) */
    8100,   /* QuadraNet */
    8560,   /* IONOS */
    8987,   /* Amazon (AWS Europe) */
    9009,   /* M247 */
    9123,   /* Timeweb */
    12076,  /* Microsoft (Azure ExpressRoute) */
    12876,  /* Scaleway (Online SAS) */
    14061,  /* DigitalOcean */
    14618,  /* Amazon (AWS) */
    15169,  /* Google (Cloud) */
    16265,  /* Leaseweb */
    16276,  /* OVH */
    16509,  /* Amazon (AWS) */
    19527,  /* Google (Cloud) */
    20473,  /* Vultr (Choopa) */
    20940,  /* Akamai */
    21859,  /* Zenlayer */
    24940,  /* Hetzner */
    26496,  /* GoDaddy */
    27357,  /* Rackspace */
    28753,  /* Leaseweb */
    31898,  /* Oracle Cloud */
    33070,  /* Rackspace */
    35540,  /* OVH */
    36351,  /* IBM Cloud (SoftLayer) */
    36352,  /* ColoCrossing */
    36459,  /* GitHub */
    37963,  /* Alibaba Cloud */
    38895,  /* Amazon (AWS) */
    39111,  /* Amazon (AWS) */
    40021,  /* Contabo */
    40676,  /* Psychz */
    45090,  /* Tencent Cloud */
    45102,  /* Alibaba Cloud */
    47583,  /* Hostinger */
    49505,  /* Selectel */
    51167,  /* Contabo */
    53667,  /* FranTech (BuyVM) */
    54113,  /* Fastly */
    54290,  /* Hostwinds */
    54825,  /* Equinix Metal (Packet) */
    59253,  /* Leaseweb Asia */
    60068,  /* Datacamp (CDN77) */
    60781,  /* Leaseweb */
    63949,  /* Linode (Akamai) */
    132203, /* Tencent Cloud */
    136907, /* Huawei Cloud */
    139070, /* Google (Cloud Asia) */
    197540, /* netcup */
    199524, /* Gcore */
    200130, /* DigitalOcean */
    200350, /* Yandex Cloud */
    202018, /* DigitalOcean */
    202053, /* UpCloud */
    209242, /* Cloudflare (Spectrum) */
    212317, /* Hetzner */
    213230, /* Hetzner */
    393406, /* DigitalOcean */
    396982, /* Google (Cloud) */
};

static int cmp_asn(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

bool kt_asn_is_hosting(uint32_t asn)
{
    if (asn == 0) {
        return false;
    }
    return bsearch(&asn, hosting_asns, KT_ARRAY_LEN(hosting_asns), sizeof(hosting_asns[0]),
                   cmp_asn) != NULL ||
           kt_asn_is_vpn(asn);
}

/* Providers with several AS numbers: each row is one provider, its canonical AS first. */
static const uint32_t provider_groups[][7] = {
    { 16509, 7224, 8987, 14618, 38895, 39111, 0 },    /* Amazon (AWS) */
    { 8075, 8068, 8069, 12076, 0 },                   /* Microsoft (Azure) */
    { 15169, 19527, 139070, 396982, 0 },              /* Google (Cloud) */
    { 24940, 212317, 213230, 0 },                     /* Hetzner */
    { 16276, 35540, 0 },                              /* OVH */
    { 14061, 200130, 202018, 393406, 0 },             /* DigitalOcean */
    { 60781, 16265, 28753, 59253, 0 },                /* Leaseweb */
    { 40021, 51167, 0 },                              /* Contabo */
    { 45102, 37963, 0 },                              /* Alibaba Cloud */
    { 132203, 45090, 0 },                             /* Tencent Cloud */
    { 27357, 33070, 0 },                              /* Rackspace */
};

uint32_t kt_asn_provider(uint32_t asn)
{
    for (size_t g = 0; g < KT_ARRAY_LEN(provider_groups) && asn != 0; g++) {
        for (size_t i = 0; i < KT_ARRAY_LEN(provider_groups[g]) && provider_groups[g][i]; i++) {
            if (provider_groups[g][i] == asn) {
                return provider_groups[g][0];
            }
        }
    }
    return asn;
}

/* Networks most commercial VPN exits sit in (sorted). */
static const uint32_t vpn_asns[] = {
    9009,   /* M247: exits of NordVPN, Surfshark, PIA, ProtonVPN, CyberGhost... */
    39351,  /* 31173 Services (Mullvad) */
    60068,  /* Datacamp / CDN77 (many VPN exits) */
    62240,  /* Clouvider (VPN exits) */
    136787, /* Tefincom (NordVPN) */
    137409, /* GSL Networks (VPN exits) */
    147049, /* Packethub (NordVPN) */
    209103, /* Proton AG (ProtonVPN) */
    212238, /* Datacamp (VPN exits) */
};

bool kt_asn_is_vpn(uint32_t asn)
{
    return asn != 0 && bsearch(&asn, vpn_asns, KT_ARRAY_LEN(vpn_asns), sizeof(vpn_asns[0]),
                               cmp_asn) != NULL;
}

/* For the unit test: the table and its length. */
const uint32_t *kt_hosting_asn_table(size_t *n);

const uint32_t *kt_hosting_asn_table(size_t *n)
{
    *n = KT_ARRAY_LEN(hosting_asns);
    return hosting_asns;
}

const uint32_t *kt_vpn_asn_table(size_t *n);

const uint32_t *kt_vpn_asn_table(size_t *n)
{
    *n = KT_ARRAY_LEN(vpn_asns);
    return vpn_asns;
}
