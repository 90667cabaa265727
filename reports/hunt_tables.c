/*
 * The columns of every list a hunt report shows per key, as data: both the Markdown and the
 * HTML renderer walk these, so a column added here appears in both formats alike.
 */
#include "hunt_model.h"

#include <inttypes.h>
#include <string.h>

/* "AccessDenied" or "403", whichever the use has; both when they differ. */
static void cell_outcome(FILE *out, kt_esc_fn esc, struct json_object *row)
{
    bool any = kt_hm_put_m(out, esc, row, "error", "");
    struct json_object *status = kt_hm_get(row, "status");
    if (status != NULL) {
        fputs(any ? " (" : "", out);
        kt_hm_put(out, esc, status, "");
        fputs(any ? ")" : "", out);
        any = true;
    }
    if (!any) {
        fputs("ok", out);
    }
}

/* What an operation left behind: a policy it granted, a key it created. */
static void cell_op_detail(FILE *out, kt_esc_fn esc, struct json_object *row)
{
    bool any = false;
    if (kt_hm_get(row, "created_key") != NULL) {
        fputs("created key ", out);
        kt_hm_put_m(out, esc, row, "created_key", "-");
        any = true;
    }
    if (kt_hm_get(row, "grant") != NULL) {
        fputs(any ? "; granted " : "granted ", out);
        kt_hm_put_m(out, esc, row, "grant", "-");
        any = true;
    }
    if (!any) {
        fputs("-", out);
    }
}

/* "RO, Bucharest" from country and city. */
static void cell_place(FILE *out, kt_esc_fn esc, struct json_object *row)
{
    bool any = kt_hm_put_m(out, esc, row, "country", "");
    if (kt_hm_get(row, "city") != NULL) {
        fputs(any ? ", " : "", out);
        any |= kt_hm_put_m(out, esc, row, "city", "");
    }
    if (!any) {
        fputs("-", out);
    }
}

/* Where a use was read: "file:line". */
static void cell_where(FILE *out, kt_esc_fn esc, struct json_object *row)
{
    int64_t line;
    kt_hm_put_m(out, esc, row, "file", "-");
    if (kt_hm_int(row, "line", &line)) {
        fprintf(out, ":%" PRId64, line);
    }
}

/* A change point's signals: an array of names or one string. */
static void cell_signals(FILE *out, kt_esc_fn esc, struct json_object *row)
{
    if (kt_hm_arr(row, "signals") != NULL) {
        kt_hm_put_list(out, esc, kt_hm_arr(row, "signals"), "-");
    } else {
        kt_hm_put_m(out, esc, row, "signals", "-");
    }
}

/* "from → to" of a credential chain link, with hints. */
static void cell_link_key(FILE *out, kt_esc_fn esc, struct json_object *row, const char *side)
{
    char hint[16];
    snprintf(hint, sizeof(hint), "%s_hint", side);
    bool any = kt_hm_put_m(out, esc, row, hint, "");
    if (kt_hm_get(row, side) != NULL) {
        fputs(any ? " (" : "", out);
        kt_hm_put_m(out, esc, row, side, "");
        fputs(any ? ")" : "", out);
        any = true;
    }
    if (!any) {
        fputs("-", out);
    }
}

static void cell_link_from(FILE *out, kt_esc_fn esc, struct json_object *row)
{
    cell_link_key(out, esc, row, "from");
}

static void cell_link_to(FILE *out, kt_esc_fn esc, struct json_object *row)
{
    cell_link_key(out, esc, row, "to");
}

#define TABLE(name, css, cols)                                                                     \
    const struct kt_hm_table name = {css, cols, sizeof(cols) / sizeof(cols[0])}

static const struct kt_hm_col sources_cols[] = {
    {"address", "ip", KT_HM_WORD, NULL},      {"place", NULL, KT_HM_TEXT, cell_place},
    {"ASN", "asn", KT_HM_ASN, NULL},          {"network", "as_org", KT_HM_TEXT, NULL},
    {"hosting", "hosting", KT_HM_WORD, NULL}, {"uses", "uses", KT_HM_NUM, NULL},
    {"failed", "failed", KT_HM_NUM, NULL},    {"first", "first", KT_HM_TIME, NULL},
    {"last", "last", KT_HM_TIME, NULL},       {"party", "party", KT_HM_WORD, NULL},
};
TABLE(kt_hm_sources, "sources", sources_cols);

static const struct kt_hm_col operations_cols[] = {
    {"time", "time", KT_HM_TIME, NULL},           {"address", "ip", KT_HM_WORD, NULL},
    {"operation", "operation", KT_HM_TEXT, NULL}, {"resource", "resource", KT_HM_TEXT, NULL},
    {"outcome", NULL, KT_HM_TEXT, cell_outcome},  {"left behind", NULL, KT_HM_TEXT, cell_op_detail},
};
TABLE(kt_hm_operations, "ops", operations_cols);

static const struct kt_hm_col findings_cols[] = {
    {"severity", "severity", KT_HM_WORD, NULL},
    {"detector", "detector", KT_HM_TEXT, NULL},
    {"time", "time", KT_HM_TIME, NULL},
    {"reason", "reason", KT_HM_TEXT, NULL},
};
TABLE(kt_hm_findings, "findings", findings_cols);

static const struct kt_hm_col changepoints_cols[] = {
    {"time", "time", KT_HM_TIME, NULL},
    {"confidence", "confidence", KT_HM_WORD, NULL},
    {"score", "score", KT_HM_NUM, NULL},
    {"what changed", NULL, KT_HM_TEXT, cell_signals},
};
TABLE(kt_hm_changepoints, "changepoints", changepoints_cols);

static const struct kt_hm_col clients_cols[] = {
    {"network", "network", KT_HM_TEXT, NULL},
    {"country", "country", KT_HM_WORD, NULL},
    {"addresses", "ips", KT_HM_LIST, NULL},
    {"agent", "agent", KT_HM_TEXT, NULL},
    {"operations", "operations", KT_HM_LIST, NULL},
    {"endpoints", "endpoints", KT_HM_LIST, NULL},
    {"first", "first", KT_HM_TIME, NULL},
    {"last", "last", KT_HM_TIME, NULL},
    {"uses", "uses", KT_HM_NUM, NULL},
    {"failed", "failed", KT_HM_NUM, NULL},
    {"after rotation", "after_rotation", KT_HM_NUM, NULL},
};
TABLE(kt_hm_clients, "clients", clients_cols);

static const struct kt_hm_col late_cols[] = {
    {"time", "time", KT_HM_TIME, NULL},           {"address", "ip", KT_HM_WORD, NULL},
    {"network", "network", KT_HM_TEXT, NULL},     {"agent", "agent", KT_HM_TEXT, NULL},
    {"operation", "operation", KT_HM_TEXT, NULL}, {"outcome", NULL, KT_HM_TEXT, cell_outcome},
    {"resembles", "resembles", KT_HM_WORD, NULL},
};
TABLE(kt_hm_late, "late", late_cols);

static const struct kt_hm_col uses_cols[] = {
    {"time", "time", KT_HM_TIME, NULL},
    {"side", "side", KT_HM_WORD, NULL},
    {"address", "ip", KT_HM_WORD, NULL},
    {"country", "country", KT_HM_WORD, NULL},
    {"ASN", "asn", KT_HM_ASN, NULL},
    {"agent", "agent", KT_HM_TEXT, NULL},
    {"operation", "operation", KT_HM_TEXT, NULL},
    {"resource", "resource", KT_HM_TEXT, NULL},
    {"outcome", NULL, KT_HM_TEXT, cell_outcome},
    {"suspicious", "suspicious", KT_HM_WORD, NULL},
    {"read from", NULL, KT_HM_TEXT, cell_where},
};
TABLE(kt_hm_uses, "uses", uses_cols);

static const struct kt_hm_col novel_cols[] = {
    {"value", "name", KT_HM_TEXT, NULL},
    {"uses", "count", KT_HM_NUM, NULL},
    {"first", "first", KT_HM_TIME, NULL},
};
TABLE(kt_hm_novel, "novel", novel_cols);

static const struct kt_hm_col chain_cols[] = {
    {"from", NULL, KT_HM_TEXT, cell_link_from}, {"how", "how", KT_HM_TEXT, NULL},
    {"to", NULL, KT_HM_TEXT, cell_link_to},     {"time", "time", KT_HM_TIME, NULL},
    {"address", "ip", KT_HM_WORD, NULL},
};
TABLE(kt_hm_chain, "chain", chain_cols);

void kt_hm_cell(FILE *out, kt_esc_fn esc, const struct kt_hm_col *c, struct json_object *row)
{
    int64_t v;
    if (c->cell != NULL) {
        c->cell(out, esc, row);
        return;
    }
    switch (c->kind) {
    case KT_HM_LIST: kt_hm_put_list(out, esc, kt_hm_arr(row, c->member), "-"); break;
    case KT_HM_ASN:
        if (kt_hm_int(row, c->member, &v) && v > 0) {
            fprintf(out, "AS%" PRId64, v);
        } else {
            kt_hm_put_m(out, esc, row, c->member, "-");
        }
        break;
    default: kt_hm_put_m(out, esc, row, c->member, "-"); break;
    }
}

bool kt_hm_row_other(struct json_object *row)
{
    static const char *const members[] = {"party", "role", "resembles"};
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        const char *s = kt_hm_str(row, members[i]);
        if (s != NULL && strcmp(s, "other party") == 0) {
            return true;
        }
    }
    struct json_object *sus = kt_hm_get(row, "suspicious");
    return sus != NULL && json_object_is_type(sus, json_type_boolean) &&
           json_object_get_boolean(sus);
}
