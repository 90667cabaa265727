/*
 * Sensitive operations: which operation keys (kt_baseline_op_key: "service:Name" for API logs,
 * "METHOD /path/template" for HTTP logs) are what a thief does first with a found key — find
 * out who it is and what it can reach, read secrets, change credentials or permissions, cash
 * out. One table, read by the detectors that judge a key's first such operation
 * (sensitive_op) and a burst of them (sensitive_sweep), so both agree on what counts.
 */
#ifndef KEYTRAIL_OPCLASS_H
#define KEYTRAIL_OPCLASS_H

#include <keytrail/common.h>

enum kt_op_class {
    KT_OP_RECON = 0, /* who am I, what is there: listings of people, keys, resources */
    KT_OP_SECRET,    /* stored secrets, parameters, decryption */
    KT_OP_PRIVILEGE, /* new credentials, permissions, members, hooks */
    KT_OP_MONEY,     /* payouts, transfers, a new payout destination */
    KT_OP__COUNT
};

enum kt_op_match { KT_OP_EXACT, KT_OP_PREFIX, KT_OP_SUFFIX, KT_OP_CONTAINS };

struct kt_op_rule {
    const char *method;  /* HTTP method the op key must start with, or NULL for any op */
    enum kt_op_match how;
    const char *pattern; /* matched against the op key, or its path when method is set */
    enum kt_op_class cls;
    bool whoami;         /* an identity call: "which account is this key?" */
};

/* The first rule that op matches, or NULL when op is not a sensitive operation. */
const struct kt_op_rule *kt_op_rule_of(struct kt_str op);

/* "reconnaissance", "secret read", "credential or permission change", "payout or transfer". */
const char *kt_op_class_name(enum kt_op_class cls);

/* The rule as a short label, NUL-terminated in out: "iam.amazonaws.com:ListUsers",
 * "GET …/users" (an ellipsis where the rule matches a part of the path). */
void kt_op_rule_label(const struct kt_op_rule *r, char *out, size_t cap);

#endif
