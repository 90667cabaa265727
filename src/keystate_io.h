/*
 * The binary form of one key in a state file (struct kt_keystate, its findings and its
 * detectors' state): written by kt_keystate_write, read back by kt_keystate_read. Lives next
 * to the structs' owner (engine.h) so a field added there is added here.
 *
 *   key id (12 bytes), u8 family, flags, kind, hint, account (short strings)
 *   zz first_ms, zz last_ms, events, quarantined, dropped_findings
 *   move:      zz since, old_last, new_last; asn, old_asn, before_events, before_days,
 *              new_events, zz new_last_day, new_days, 2+2 country bytes, u8 by_country, spoiled
 *   timeline:  zz last_day, n, n x { u8 ring index, uses }
 *   recent:    zz win_start, u8 n_ops, min(n_ops, 10) x u32, u8 origin, whoami, denied, reads
 *   baseline:  length, kt_baseline_serialize bytes
 *   det state: length (0: none), bytes (the writer's layout, state.c's DETS section)
 *   findings:  n, n x { detector, u8 severity, u8 score, zz time, value, reason, ip, country,
 *              asn, u8 n_extra, n x { name, f64 }, count, accepted, zz last_ms }
 *   other:     (state format 2 on) u8 present, then the footprint (footprint.c) when 1
 *
 * Integers are varints unless said otherwise. Every text field goes through the redactor as it
 * is written. The reader checks every field against what the engine can produce and refuses
 * the key (KT_EPARSE) otherwise.
 */
#ifndef KEYTRAIL_KEYSTATE_IO_H
#define KEYTRAIL_KEYSTATE_IO_H

#include "bytes.h"
#include "engine.h"

/* Appends the key (with its findings and det_state, det_size bytes) to w. */
void kt_keystate_write(struct kt_wbytes *w, const struct kt_engine *e, const struct kt_keystate *ks,
                       size_t det_size);

/*
 * Reads one key of a state of format version (1 or 2) from r into ks (det_state NULL,
 * findings not set), its findings into findings[KT_KEY_FINDINGS] (*n_findings) and a view of
 * its detector state bytes (*det, *det_len; NULL and 0 when none). Its footprint goes into
 * *other, and ks->other points there (NULL when it has none, and always for version 1).
 * Detector names are mapped to the registry's; a finding of a detector that no longer exists
 * is dropped and counted in *unknown. KT_OK or KT_EPARSE (r->ok false).
 */
enum kt_rc kt_keystate_read(struct kt_rbytes *r, uint32_t version, struct kt_keystate *ks,
                            struct kt_finding *findings, size_t *n_findings,
                            const uint8_t **det, size_t *det_len, uint64_t *unknown,
                            struct kt_footprint *other);

#endif
