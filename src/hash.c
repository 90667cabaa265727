/*
 * SipHash-2-4 (Aumasson and Bernstein), written from the paper's description: 64- and 128-bit
 * outputs share one compression loop; the 128-bit variant differs only in the initial xor into
 * v1 and a second finalisation round.
 */
#include "hash.h"

#include <sys/random.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static inline uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

struct sip_state {
    uint64_t v0, v1, v2, v3;
};

static inline void sip_round(struct sip_state *s)
{
    s->v0 += s->v1;
    s->v1 = ROTL(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = ROTL(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = ROTL(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = ROTL(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = ROTL(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = ROTL(s->v2, 32);
}

/* Absorbs the message and the length byte; leaves the state ready for finalisation. */
static void sip_absorb(struct sip_state *s, const struct kt_hash_seed *seed, const void *data,
                       size_t len, bool wide)
{
    const uint8_t *in = data;
    const uint8_t *end = in + (len - (len % 8));
    s->v0 = seed->k0 ^ 0x736f6d6570736575ULL;
    s->v1 = seed->k1 ^ 0x646f72616e646f6dULL;
    s->v2 = seed->k0 ^ 0x6c7967656e657261ULL;
    s->v3 = seed->k1 ^ 0x7465646279746573ULL;
    if (wide) {
        s->v1 ^= 0xee;
    }
    for (; in != end; in += 8) {
        uint64_t m = load_le64(in);
        s->v3 ^= m;
        sip_round(s);
        sip_round(s);
        s->v0 ^= m;
    }
    uint64_t b = (uint64_t)len << 56;
    switch (len & 7) {
    case 7: b |= (uint64_t)in[6] << 48; /* fall through */
    case 6: b |= (uint64_t)in[5] << 40; /* fall through */
    case 5: b |= (uint64_t)in[4] << 32; /* fall through */
    case 4: b |= (uint64_t)in[3] << 24; /* fall through */
    case 3: b |= (uint64_t)in[2] << 16; /* fall through */
    case 2: b |= (uint64_t)in[1] << 8;  /* fall through */
    case 1: b |= (uint64_t)in[0]; break;
    case 0: break;
    }
    s->v3 ^= b;
    sip_round(s);
    sip_round(s);
    s->v0 ^= b;
}

static uint64_t sip_finish(struct sip_state *s, uint64_t xor_in)
{
    s->v2 ^= xor_in;
    for (int i = 0; i < 4; i++) {
        sip_round(s);
    }
    return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

uint64_t kt_siphash64(const struct kt_hash_seed *seed, const void *data, size_t len)
{
    struct sip_state s;
    sip_absorb(&s, seed, data, len, false);
    return sip_finish(&s, 0xff);
}

void kt_siphash128(const struct kt_hash_seed *seed, const void *data, size_t len,
                   uint64_t out[2])
{
    struct sip_state s;
    sip_absorb(&s, seed, data, len, true);
    out[0] = sip_finish(&s, 0xee);
    s.v1 ^= 0xdd;
    out[1] = sip_finish(&s, 0);
}

/* 64x64 -> 128-bit multiply, folded: the mixing step of the fast hash. */
static inline uint64_t fold_mul(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t load_le32(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

uint64_t kt_hash(const void *data, size_t len)
{
    static const uint64_t k1 = 0xa0761d6478bd642fULL, k2 = 0xe7037ed1a0b428dbULL,
                          k3 = 0x8ebc6af09c88c6e3ULL;
    const struct kt_hash_seed *seed = kt_hash_seed_global();
    const uint8_t *p = data;
    uint64_t h = seed->k0 ^ fold_mul(len ^ k1, seed->k1 ^ k2);
    size_t n = len;
    while (n > 16) {
        h = fold_mul(load_le64(p) ^ k1 ^ seed->k1, load_le64(p + 8) ^ h);
        p += 16;
        n -= 16;
    }
    uint64_t a, b;
    if (n >= 8) {
        a = load_le64(p);
        b = load_le64(p + n - 8);
    } else if (n >= 4) {
        a = load_le32(p);
        b = load_le32(p + n - 4);
    } else if (n > 0) {
        a = (uint64_t)p[0] << 16 | (uint64_t)p[n / 2] << 8 | p[n - 1];
        b = 0;
    } else {
        a = b = 0;
    }
    h = fold_mul(a ^ k2 ^ seed->k0, b ^ h);
    return fold_mul(h ^ k3, len ^ seed->k1 ^ k1);
}

const struct kt_hash_seed *kt_hash_seed_global(void)
{
    /* Single-threaded by design: the pipeline runs on one core. */
    static struct kt_hash_seed seed;
    static bool ready;
    if (!ready) {
        if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
            seed.k0 = 0x0706050403020100ULL;
            seed.k1 = 0x0f0e0d0c0b0a0908ULL;
        }
        ready = true;
    }
    return &seed;
}
