/*
 * Knobs of the MaxMind DB writer that `keytrail mkgeo` does not need but tests and tools do:
 * forcing a wider record size than the tree requires (so 28- and 32-bit layouts can be checked
 * against libmaxminddb without writing a multi-gigabyte file), a build epoch and a description.
 */
#ifndef KEYTRAIL_MMDB_WRITER_EX_H
#define KEYTRAIL_MMDB_WRITER_EX_H

#include "mmdb_writer.h"

struct kt_mmdb_write_opts {
    unsigned min_record_size; /* 0 (smallest that fits), 24, 28 or 32 */
    uint64_t build_epoch;     /* metadata build_epoch; 0 for the fixed default, 1 */
    const char *description;  /* English description; NULL for the schema's default */
};

/* The record size the writer picks for a tree of node_count nodes and a data section of
 * data_len bytes (24, 28 or 32), or 0 when even 32 bits cannot address them. */
unsigned kt_mmdb_record_size_for(uint64_t node_count, uint64_t data_len);


/*
 * kt_mmdb_write with options (opts may be NULL: the defaults of kt_mmdb_write). A
 * min_record_size other than 0, 24, 28 or 32 is KT_EINVAL. Returns as kt_mmdb_write, plus
 * KT_ELIMIT when the tree and data need more than 32-bit records.
 */
enum kt_rc kt_mmdb_write_ex(const char *path, enum kt_mmdb_schema schema,
                            const char *database_type, const struct kt_mmdb_entry *entries,
                            size_t n, const struct kt_mmdb_write_opts *opts, struct kt_err *err);

#endif
