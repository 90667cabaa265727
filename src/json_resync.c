/*
 * Resynchronisation after a bad JSON record (json_resync.h).
 *
 * One pass over the bytes with a class table. Outside strings each significant byte updates
 * `last` (what kind of token came before: an opening bracket, a comma, a colon or a value);
 * the boundary rules in the header are decisions on (byte, depth, innermost container, last).
 * Inside strings only the quote, the backslash and the newline matter.
 */
#include "json_resync.h"

enum last_kind {
    L_NONE = 0, /* nothing significant yet: the value's first byte comes next */
    L_OPEN,
    L_COMMA,
    L_COLON,
    L_VALUE, /* a string, a scalar or stray bytes */
    L_CLOSE, /* a closing bracket */
};

enum byte_class {
    C_OTHER = 0, /* cannot appear outside a string in valid JSON */
    C_WS,
    C_QUOTE,
    C_OBJ,
    C_ARR,
    C_END_OBJ,
    C_END_ARR,
    C_COMMA,
    C_COLON,
    C_BARE, /* may start or continue a number or a literal (true, false, null) */
};

static const unsigned char classes[256] = {
    [' '] = C_WS,    ['\t'] = C_WS,  ['\r'] = C_WS,     ['\n'] = C_WS,     ['"'] = C_QUOTE,
    ['{'] = C_OBJ,   ['['] = C_ARR,  ['}'] = C_END_OBJ, [']'] = C_END_ARR, [','] = C_COMMA,
    [':'] = C_COLON, ['0'] = C_BARE, ['1'] = C_BARE,    ['2'] = C_BARE,    ['3'] = C_BARE,
    ['4'] = C_BARE,  ['5'] = C_BARE, ['6'] = C_BARE,    ['7'] = C_BARE,    ['8'] = C_BARE,
    ['9'] = C_BARE,  ['-'] = C_BARE, ['+'] = C_BARE,    ['.'] = C_BARE,    ['e'] = C_BARE,
    ['E'] = C_BARE,  ['t'] = C_BARE, ['r'] = C_BARE,    ['u'] = C_BARE,    ['f'] = C_BARE,
    ['a'] = C_BARE,  ['l'] = C_BARE, ['s'] = C_BARE,    ['n'] = C_BARE,
};

void kt_resync_init(struct kt_resync *rs, enum kt_resync_ctx ctx, bool damaged)
{
    memset(rs, 0, offsetof(struct kt_resync, stack));
    rs->ctx = ctx;
    rs->damaged = damaged;
}

void kt_resync_init_in_object(struct kt_resync *rs)
{
    kt_resync_init(rs, KT_RESYNC_TOP, false);
    rs->stop_after = true;
    rs->depth = 1;
    rs->stack[0] = '{';
    rs->first = '{';
    rs->last = L_COMMA;
}

void kt_resync_reset(struct kt_resync *rs)
{
    rs->depth = 0;
    rs->in_string = false;
    rs->escape = false;
    rs->newline = false;
    rs->first = '{';
    rs->last = L_COLON; /* neutral: the next '{' opens, a "}," ahead ends the record */
    rs->scanned = 0;
}

/* The innermost container's kind ('{' or '['), or 0 when unknown (deeper than the stack). */
static char innermost(const struct kt_resync *rs)
{
    return rs->depth > 0 && rs->depth <= KT_RESYNC_STACK ? rs->stack[rs->depth - 1] : 0;
}

/* The bad value was not an object, so any value after a comma may be the next element. */
static bool any_element(const struct kt_resync *rs)
{
    return rs->first == '"' || rs->first == '[' || classes[rs->first] == C_BARE;
}

/*
 * At the array's depth (depth 0): does byte c start the next element? At the top level a value
 * starts a line or directly follows a closing bracket ("}{"); what else comes after a broken
 * value on its line (the rest of an object whose opening brace was lost) belongs to it.
 */
static bool element_starts(const struct kt_resync *rs, unsigned char c, bool nl)
{
    if (rs->last == L_NONE) {
        return false;
    }
    if (rs->ctx == KT_RESYNC_TOP) {
        return (c == '{' || c == '[') && (nl || rs->last == L_CLOSE);
    }
    if (c == '{') {
        return rs->last == L_COMMA || rs->last == L_VALUE || rs->last == L_CLOSE;
    }
    return rs->last == L_COMMA && any_element(rs);
}

/*
 * At a '{' directly inside an object, not after a ':': no member can start with '{', so the
 * object lost its closing brace and the next record may start here. Inside an array whose
 * records' first member name is known, the name check finds the next record instead, without
 * mistaking a nested object for it.
 */
static bool lost_close(const struct kt_resync *rs, bool nl)
{
    bool sep = rs->last == L_COMMA || rs->last == L_OPEN;
    if (rs->ctx == KT_RESYNC_TOP) {
        return sep || ((rs->last == L_VALUE || rs->last == L_CLOSE) && nl);
    }
    return sep && rs->name_len == 0;
}

static void push(struct kt_resync *rs, char open)
{
    if (rs->depth < KT_RESYNC_STACK) {
        rs->stack[rs->depth] = open;
    }
    if (rs->depth < UINT32_MAX) {
        rs->depth++;
    }
}

/* Closes the containers down to and including the innermost `open`; false when none is open
 * in the known part of the stack. */
static bool close_to(struct kt_resync *rs, char open)
{
    if (rs->depth > KT_RESYNC_STACK) {
        rs->depth--; /* types unknown this deep: assume it matches */
        return true;
    }
    for (uint32_t d = rs->depth; d > 0; d--) {
        if (rs->stack[d - 1] == open) {
            rs->depth = d - 1;
            return true;
        }
    }
    return false;
}

enum name_found {
    NAME_NO = 0,
    NAME_YES,
    NAME_MORE, /* the bytes end before it can be told */
};

/* The first member name of the object whose '{' is at p[0]: plain (no escapes), 1 to
 * KT_RESYNC_NAME bytes, after at most 64 bytes of whitespace. */
static enum name_found first_name(const char *p, size_t n, bool final, const char **name,
                                  size_t *len)
{
    size_t q = 1;
    while (q < n && q <= 64 && classes[(unsigned char)p[q]] == C_WS) {
        q++;
    }
    if (q >= n) {
        return final ? NAME_NO : NAME_MORE;
    }
    if (p[q] != '"') {
        return NAME_NO;
    }
    size_t k = q + 1;
    while (k < n && k - q <= KT_RESYNC_NAME && p[k] != '"' && p[k] != '\\' &&
           (unsigned char)p[k] >= 0x20) {
        k++;
    }
    if (k >= n) {
        return final ? NAME_NO : NAME_MORE;
    }
    if (p[k] != '"' || k == q + 1) {
        return NAME_NO;
    }
    *name = p + q + 1;
    *len = k - q - 1;
    return NAME_YES;
}

/* At a '{' (p[0]) past the value's start: does an object with the bad value's first member
 * name begin here? */
static enum name_found same_name(const struct kt_resync *rs, const char *p, size_t n, bool final)
{
    const char *name;
    size_t len;
    enum name_found f = first_name(p, n, final, &name, &len);
    if (f != NAME_YES) {
        return f;
    }
    return len == rs->name_len && memcmp(name, rs->name, len) == 0 ? NAME_YES : NAME_NO;
}

enum kt_resync_stop kt_resync_step(struct kt_resync *rs, const char *p, size_t n, bool final,
                                   size_t *used)
{
    enum kt_resync_stop stop = KT_RESYNC_MORE;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        if (c == '{' && rs->name_len > 0) {
            /* Checked whatever the string state: it may be wrong after damage. */
            enum name_found f = same_name(rs, p + i, n - i, final);
            if (f == NAME_MORE) {
                goto out; /* stop before the '{': it is looked at again with more bytes */
            }
            if (f == NAME_YES) {
                rs->depth = 0;
                rs->in_string = false;
                stop = KT_RESYNC_NEXT;
                goto out;
            }
        }
        if (rs->in_string) {
            i++;
            if (rs->escape) {
                rs->escape = false;
                if (c != '\n') {
                    continue;
                }
            } else if (c == '\\') {
                rs->escape = true;
                continue;
            } else if (c != '"' && c != '\n') {
                continue;
            }
            /* The closing quote, or a raw newline that no JSON string may hold. */
            rs->in_string = false;
            rs->newline = c == '\n';
            rs->last = L_VALUE;
            continue;
        }
        enum byte_class k = (enum byte_class)classes[c];
        if (k == C_WS) {
            rs->newline |= c == '\n';
            i++;
            continue;
        }
        if (rs->first == 0) {
            const char *name;
            size_t len;
            enum name_found f =
                c == '{' && rs->damaged ? first_name(p + i, n - i, final, &name, &len) : NAME_NO;
            if (f == NAME_MORE) {
                goto out; /* learn the name when more bytes are there */
            }
            if (f == NAME_YES) {
                memcpy(rs->name, name, len);
                rs->name_len = (uint8_t)len;
            }
            rs->first = c;
        }
        bool nl = rs->newline;
        rs->newline = false;
        bool value_start = k == C_OBJ || k == C_ARR || k == C_QUOTE || k == C_BARE;
        if (rs->depth == 0 && value_start && element_starts(rs, c, nl)) {
            stop = KT_RESYNC_NEXT;
            break;
        }
        switch (k) {
        case C_OBJ:
            if (innermost(rs) == '{' && lost_close(rs, nl)) {
                stop = KT_RESYNC_NEXT;
                goto out;
            }
            push(rs, '{');
            rs->last = L_OPEN;
            break;
        case C_ARR:
            push(rs, '[');
            rs->last = L_OPEN;
            break;
        case C_END_OBJ:
        case C_END_ARR: {
            char open = k == C_END_OBJ ? '{' : '[';
            if (rs->depth == 0 && k == C_END_ARR && rs->ctx == KT_RESYNC_ARRAY &&
                rs->last != L_NONE) {
                stop = KT_RESYNC_CLOSE; /* the array's own ']' */
                goto out;
            }
            if (rs->depth == 0 || !close_to(rs, open)) {
                rs->last = L_CLOSE; /* stray closer */
                break;
            }
            rs->last = L_CLOSE;
            if (rs->depth == 0 && rs->stop_after) {
                i++;
                stop = KT_RESYNC_AFTER;
                goto out;
            }
            break;
        }
        case C_QUOTE: rs->in_string = true; break;
        case C_COMMA: rs->last = L_COMMA; break;
        case C_COLON:
            if (rs->depth == 0 || innermost(rs) == '[') {
                /* A member outside any object: its '{' was lost (or a '}' came early). */
                push(rs, '{');
            }
            rs->last = L_COLON;
            break;
        case C_BARE: rs->last = L_VALUE; break;
        case C_OTHER:
            if (rs->depth > 0) {
                rs->in_string = true; /* a lost quote: these bytes belong to a string */
            }
            rs->last = L_VALUE;
            break;
        case C_WS: break;
        }
        i++;
    }
out:
    rs->scanned += i;
    *used = i;
    return stop;
}

bool kt_resync_next_value(struct kt_str *s, enum kt_resync_ctx ctx)
{
    struct kt_resync rs;
    kt_resync_init(&rs, ctx, true);
    size_t used;
    if (kt_resync_step(&rs, s->ptr, s->len, true, &used) != KT_RESYNC_NEXT) {
        return false;
    }
    *s = kt_str_make(s->ptr + used, s->len - used);
    return true;
}
