/*
 * Stop-byte masks for the JSON scanner (internal to json_scan.c and its tests).
 *
 * Inside a JSON string body json-c 0.16 strict mode accepts every byte except NUL (which it
 * treats as end of input), and each backslash must start a valid escape. So the only bytes a
 * string scan has to stop at are '"', '\\' and NUL. The scanner cuts its input into 64-byte
 * blocks (from the start of the text) and computes, per block, a 64-bit mask with bit i set
 * when byte i is one of those three; finding the end of a string is then a shift and a count of
 * trailing zeros on a cached mask, and only a string that crosses a block boundary costs a new
 * mask. A partial last block is copied into a zero-filled buffer first, so every byte past the
 * end reads as NUL and stops the scan there.
 *
 * Three implementations with identical results: portable scalar code driven by a 256-byte class
 * table; SSE2 (16 bytes per compare, baseline on x86-64), used when __SSE2__ is defined and
 * KT_JSON_NO_SIMD is not; and AVX2 (32 bytes per compare), compiled with a target attribute
 * and used only when the CPU reports AVX2 at run time. The tests compare all of them on random
 * blocks, and the whole test suite also runs in a -DKT_JSON_NO_SIMD build.
 */
#ifndef KEYTRAIL_JSON_SCAN_STR_H
#define KEYTRAIL_JSON_SCAN_STR_H

#include "json_scan.h"

#if defined(__SSE2__) && !defined(KT_JSON_NO_SIMD)
#include <emmintrin.h>
#define KT_JSON_HAVE_SSE2 1
#else
#define KT_JSON_HAVE_SSE2 0
#endif

/* AVX2 is not baseline: built with a target attribute and chosen at run time (GCC, clang). */
#if KT_JSON_HAVE_SSE2 && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define KT_JSON_HAVE_AVX2 1
#else
#define KT_JSON_HAVE_AVX2 0
#endif

/* 1 for the bytes that stop a string scan: '"', '\\' and NUL. */
extern const uint8_t kt_json_str_stop[256];

/* Mask of the stop bytes in the 64 bytes at b (all readable). */
static inline uint64_t kt_json_mask64_scalar(const char *b)
{
    uint64_t m = 0;
    for (unsigned i = 0; i < 64; i++) {
        m |= (uint64_t)kt_json_str_stop[(uint8_t)b[i]] << i;
    }
    return m;
}

#if KT_JSON_HAVE_SSE2
static inline uint64_t kt_json_mask16_sse2(const char *b)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)b);
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
        _mm_cmpeq_epi8(v, _mm_setzero_si128()));
    return (uint64_t)(uint16_t)_mm_movemask_epi8(hit);
}

/* Same result as kt_json_mask64_scalar. */
static inline uint64_t kt_json_mask64_sse2(const char *b)
{
    return kt_json_mask16_sse2(b) | kt_json_mask16_sse2(b + 16) << 16 |
           kt_json_mask16_sse2(b + 32) << 32 | kt_json_mask16_sse2(b + 48) << 48;
}
#define kt_json_mask64 kt_json_mask64_sse2
#else
#define kt_json_mask64 kt_json_mask64_scalar
#endif

#if KT_JSON_HAVE_AVX2
__attribute__((target("avx2"))) static inline uint64_t kt_json_mask32_avx2(const char *b)
{
    const __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)b);
    const __m256i hit =
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')),
                                        _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'))),
                        _mm256_cmpeq_epi8(v, _mm256_setzero_si256()));
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(hit);
}

/* Same result as kt_json_mask64_scalar; call only when the CPU has AVX2. */
__attribute__((target("avx2"))) static inline uint64_t kt_json_mask64_avx2(const char *b)
{
    return kt_json_mask32_avx2(b) | kt_json_mask32_avx2(b + 32) << 32;
}

static inline bool kt_json_cpu_avx2(void)
{
    return __builtin_cpu_supports("avx2");
}
#endif

#endif
