/*
 * Token bytes (token.h): one table, filled at compile time, says for each byte which classes it
 * belongs to. Recognition, the redactor and the output channels all read it, so "may this byte
 * be inside a secret" has one answer.
 *
 * KT_TOK_START lists the first bytes of the family prefixes (token_family.c) and 'e' of "eyJ";
 * a new family whose prefix starts with another byte must add it here (tests/test_token.c
 * checks every row).
 */
#include "token.h"

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define IS_ALNUM(c) (IS_DIGIT(c) || IS_ALPHA(c))
#define IS_HEX(c) (IS_DIGIT(c) || ((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F'))
#define IS_START(c)                                                                                \
    ((c) == 'g' || (c) == 's' || (c) == 'r' || (c) == 'p' || (c) == 'x' || (c) == 'A' ||           \
     (c) == 'n' || (c) == 'S' || (c) == 'e')

#define CLASS(c)                                                                                   \
    ((IS_ALNUM(c) || (c) == '_' ? KT_TOK_WORD : 0u) |                                              \
     (IS_ALNUM(c) || (c) == '_' || (c) == '.' || (c) == '-' ? KT_TOK_BYTE : 0u) |                  \
     (IS_ALNUM(c) || (c) == '_' || (c) == '.' || (c) == '-' || (c) == '~' || (c) == '+' ||         \
              (c) == '/' || (c) == '='                                                             \
          ? KT_TOK_SECRET                                                                          \
          : 0u) |                                                                                  \
     (IS_ALNUM(c) ? KT_TOK_ALNUM : 0u) |                                                           \
     (IS_ALNUM(c) || (c) == '_' || (c) == '-' ? KT_TOK_B64URL : 0u) |                              \
     (IS_HEX(c) ? KT_TOK_HEX : 0u) | (IS_START(c) ? KT_TOK_START : 0u))

#define ROW4(b) CLASS(b), CLASS((b) + 1), CLASS((b) + 2), CLASS((b) + 3)
#define ROW16(b) ROW4(b), ROW4((b) + 4), ROW4((b) + 8), ROW4((b) + 12)
#define ROW64(b) ROW16(b), ROW16((b) + 16), ROW16((b) + 32), ROW16((b) + 48)

const uint8_t kt_tok_class[256] = {ROW64(0), ROW64(64), ROW64(128), ROW64(192)};

bool kt_tok_start_boundary(struct kt_str s, size_t i)
{
    if (i == 0 || !kt_tok_is((unsigned char)s.ptr[i - 1], KT_TOK_WORD)) {
        return true;
    }
    /* A percent-encoded separator right before the token ("%2Fghp_..."). */
    return i >= 3 && s.ptr[i - 3] == '%' && kt_tok_is((unsigned char)s.ptr[i - 2], KT_TOK_HEX) &&
           kt_tok_is((unsigned char)s.ptr[i - 1], KT_TOK_HEX);
}
