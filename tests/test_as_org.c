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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hosting_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
