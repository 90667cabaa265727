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

/* Providers with several AS numbers: each AS with the one that names its provider, sorted by
 * AS for a binary search (the unit test checks). */
static const struct provider_row {
    uint32_t asn, provider;
} provider_rows[] = {
    {7224, 16509},    /* Amazon (AWS) */
    {8068, 8075},     /* Microsoft (Azure) */
    {8069, 8075},     /* Microsoft (Azure) */
    {8075, 8075},     /* Microsoft (Azure) */
    {8987, 16509},    /* Amazon (AWS) */
    {12076, 8075},    /* Microsoft (Azure) */
    {14061, 14061},   /* DigitalOcean */
    {14618, 16509},   /* Amazon (AWS) */
    {15169, 15169},   /* Google (Cloud) */
    {16265, 60781},   /* Leaseweb */
    {16276, 16276},   /* OVH */
    {16509, 16509},   /* Amazon (AWS) */
    {19527, 15169},   /* Google (Cloud) */
    {24940, 24940},   /* Hetzner */
    {27357, 27357},   /* Rackspace */
    {28753, 60781},   /* Leaseweb */
    {33070, 27357},   /* Rackspace */
    {35540, 16276},   /* OVH */
    {37963, 45102},   /* Alibaba Cloud */
    {38895, 16509},   /* Amazon (AWS) */
    {39111, 16509},   /* Amazon (AWS) */
    {40021, 40021},   /* Contabo */
    {45090, 132203},  /* Tencent Cloud */
    {45102, 45102},   /* Alibaba Cloud */
    {51167, 40021},   /* Contabo */
    {59253, 60781},   /* Leaseweb */
    {60781, 60781},   /* Leaseweb */
    {132203, 132203}, /* Tencent Cloud */
    {139070, 15169},  /* Google (Cloud) */
    {200130, 14061},  /* DigitalOcean */
    {202018, 14061},  /* DigitalOcean */
    {212317, 24940},  /* Hetzner */
    {213230, 24940},  /* Hetzner */
    {393406, 14061},  /* DigitalOcean */
    {396982, 15169},  /* Google (Cloud) */
};

static int cmp_row(const void *key, const void *row)
{
    uint32_t x = *(const uint32_t *)key, y = ((const struct provider_row *)row)->asn;
    return (x > y) - (x < y);
}

uint32_t kt_asn_provider(uint32_t asn)
{
    const struct provider_row *r = asn == 0
                                       ? NULL
                                       : bsearch(&asn, provider_rows, KT_ARRAY_LEN(provider_rows),
                                                 sizeof(provider_rows[0]), cmp_row);
    return r != NULL ? r->provider : asn;
}

bool kt_asn_grouped(uint32_t asn)
{
    return asn != 0 && bsearch(&asn, provider_rows, KT_ARRAY_LEN(provider_rows),
                               sizeof(provider_rows[0]), cmp_row) != NULL;
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
    return asn != 0 &&
           bsearch(&asn, vpn_asns, KT_ARRAY_LEN(vpn_asns), sizeof(vpn_asns[0]), cmp_asn) != NULL;
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

const uint32_t *kt_provider_asn_at(size_t i, size_t *n);

/* For the unit test: the i-th row's AS number, and the number of rows. */
const uint32_t *kt_provider_asn_at(size_t i, size_t *n)
{
    *n = KT_ARRAY_LEN(provider_rows);
    return i < *n ? &provider_rows[i].asn : NULL;
}
