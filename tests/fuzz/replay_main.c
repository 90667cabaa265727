/*
 * Replay driver for the fuzz harnesses when they are not built with libFuzzer: feeds every file
 * under the directories given on the command line to LLVMFuzzerTestOneInput, then the same files
 * cut at a spread of lengths and with a few bytes flipped, so truncated and corrupted shapes run
 * in every CI build (ASan/UBSan included).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long long runs;

static void run_variants(const uint8_t *data, size_t size)
{
    LLVMFuzzerTestOneInput(data, size);
    runs++;
    uint8_t *copy = malloc(size ? size : 1);
    if (copy == NULL) {
        return;
    }
    /* Truncations at 16 points spread over the input. */
    for (size_t k = 1; k <= 16 && size > 0; k++) {
        size_t cut = size * k / 17;
        memcpy(copy, data, cut);
        LLVMFuzzerTestOneInput(copy, cut);
        runs++;
    }
    /* Bit flips at deterministic positions. */
    uint64_t x = 0x9e3779b97f4a7c15ULL ^ size;
    for (int k = 0; k < 32 && size > 0; k++) {
        memcpy(copy, data, size);
        for (int j = 0; j < 4; j++) {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            uint64_t r = x * 0x2545f4914f6cdd1dULL;
            copy[r % size] ^= (uint8_t)(1u << ((r >> 32) % 8));
        }
        LLVMFuzzerTestOneInput(copy, size);
        runs++;
    }
    free(copy);
}

static void replay_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d == NULL) {
            return;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') {
                continue;
            }
            char sub[4096];
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            replay_path(sub);
        }
        closedir(d);
        return;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
        return;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return;
    }
    size_t size = (size_t)st.st_size;
    uint8_t *data = malloc(size ? size : 1);
    if (data != NULL && fread(data, 1, size, f) == size) {
        run_variants(data, size);
    }
    free(data);
    fclose(f);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        replay_path(argv[i]);
    }
    printf("replayed %llu inputs\n", runs);
    return 0;
}
