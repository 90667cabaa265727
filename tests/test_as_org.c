/* Hosting-network classification by AS organisation name. */
#include "testutil.h"

#include <keytrail/geo.h>

static void test_hosting_names(void **state)
{
    (void)state;
    static const char *const hosting[] = {
        "Hetzner Online GmbH", "DigitalOcean, LLC", "OVH SAS", "Amazon.com, Inc.",
        "AMAZON-02", "Google LLC", "Microsoft Corporation", "Linode, LLC",
        "The Constant Company, LLC (Vultr)", "Contabo GmbH", "Example VPS Hosting SRL",
        "Example Virtual Servers Ltd", "Example Droplets LLC", "Example Root Server GmbH",
        "Example Compute Corp.", "Example Cloud Europe B.V.", "M247 Europe SRL",
        "Alibaba (US) Technology Co., Ltd.",
    };
    static const char *const access[] = {
        "Deutsche Telekom AG", "Comcast Cable Communications, LLC", "Vodafone GmbH",
        "Example Kabel Berlin", "Example Business Fiber GmbH", "Example Mobile DE",
        "Cloudflare, Inc.", "Orange S.A.", "Example Broadband India", "Hosteurope-like",
        "", "Serverless", "Hostname Networks",
    };
    for (size_t i = 0; i < sizeof(hosting) / sizeof(hosting[0]); i++) {
        if (!kt_as_org_is_hosting(hosting[i])) {
            fail_msg("'%s' should be a hosting provider", hosting[i]);
        }
    }
    for (size_t i = 0; i < sizeof(access) / sizeof(access[0]); i++) {
        if (kt_as_org_is_hosting(access[i])) {
            fail_msg("'%s' should not be a hosting provider", access[i]);
        }
    }
    assert_false(kt_as_org_is_hosting(NULL));
}

/* From src/hosting_asn.c, for tests only. */
const uint32_t *kt_hosting_asn_table(size_t *n);
const uint32_t *kt_vpn_asn_table(size_t *n);
const uint32_t *kt_provider_asn_at(size_t i, size_t *n);

static void test_hosting_asns(void **state)
{
    (void)state;
    static const uint32_t hosting[] = {
        16509, 14618, 15169, 396982, 8075, 14061, 16276, 24940, 63949, 20473, 31898,
        45102, 132203, 12876, 51167, 60781, 16265, 9009,
    };
    /* Cloudflare (13335) is left out: WARP users browse from it like from a VPN. */
    static const uint32_t access[] = { 0, 3320, 7922, 3209, 13335, 64501, 64506, 4294967295u };
    for (size_t i = 0; i < KT_ARRAY_LEN(hosting); i++) {
        if (!kt_asn_is_hosting(hosting[i])) {
            fail_msg("AS%u should be a hosting provider", (unsigned)hosting[i]);
        }
    }
    for (size_t i = 0; i < KT_ARRAY_LEN(access); i++) {
        if (kt_asn_is_hosting(access[i])) {
            fail_msg("AS%u should not be a hosting provider", (unsigned)access[i]);
        }
    }
    /* The binary search needs the table strictly ascending. */
    size_t n = 0;
    const uint32_t *t = kt_hosting_asn_table(&n);
    assert_true(n > 40);
    for (size_t i = 1; i < n; i++) {
        if (t[i - 1] >= t[i]) {
            fail_msg("hosting_asns not sorted at %zu (AS%u)", i, (unsigned)t[i]);
        }
    }
}

/* One provider's several AS numbers name one provider; other networks name themselves. */
static void test_providers(void **state)
{
    (void)state;
    static const uint32_t same[][2] = {
        { 16509, 14618 }, { 14618, 38895 }, { 8075, 8068 }, { 15169, 396982 },
        { 24940, 213230 }, { 14061, 393406 }, { 16276, 35540 },
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(same); i++) {
        if (kt_asn_provider(same[i][0]) != kt_asn_provider(same[i][1])) {
            fail_msg("AS%u and AS%u are one provider", (unsigned)same[i][0],
                     (unsigned)same[i][1]);
        }
    }
    assert_int_not_equal(kt_asn_provider(16509), kt_asn_provider(8075));
    assert_int_not_equal(kt_asn_provider(15169), kt_asn_provider(24940));
    assert_int_equal(kt_asn_provider(64501), 64501);
    assert_int_equal(kt_asn_provider(0), 0);
    assert_true(kt_asn_grouped(14618));
    assert_false(kt_asn_grouped(64501));
    assert_false(kt_asn_grouped(0));
    size_t n = 0;
    for (size_t i = 1; kt_provider_asn_at(i, &n) != NULL; i++) {
        assert_true(*kt_provider_asn_at(i - 1, &n) < *kt_provider_asn_at(i, &n));
        /* Every grouped AS is a hosting AS. */
        assert_true(kt_asn_is_hosting(*kt_provider_asn_at(i, &n)));
    }
    assert_true(n > 20);
}

/* Commercial VPN exits: listed, hosting, sorted; clouds and ISPs are not VPN exits. */
static void test_vpn_asns(void **state)
{
    (void)state;
    static const uint32_t vpn[] = { 9009, 60068, 147049, 136787, 209103, 39351 };
    static const uint32_t not_vpn[] = { 0, 16509, 8075, 24940, 3320, 64501, 13335 };
    for (size_t i = 0; i < KT_ARRAY_LEN(vpn); i++) {
        assert_true(kt_asn_is_vpn(vpn[i]));
        assert_true(kt_asn_is_hosting(vpn[i]));
    }
    for (size_t i = 0; i < KT_ARRAY_LEN(not_vpn); i++) {
        if (kt_asn_is_vpn(not_vpn[i])) {
            fail_msg("AS%u is not a VPN exit", (unsigned)not_vpn[i]);
        }
    }
    size_t n = 0;
    const uint32_t *t = kt_vpn_asn_table(&n);
    for (size_t i = 1; i < n; i++) {
        assert_true(t[i - 1] < t[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hosting_names),
        cmocka_unit_test(test_hosting_asns),
        cmocka_unit_test(test_providers),
        cmocka_unit_test(test_vpn_asns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
