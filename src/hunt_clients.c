/* The key's clients (hunt_clients.h). */
#include "hunt_clients.h"

size_t kt_hunt_clients_number(const struct kt_hunt_use *u, size_t n, uint32_t *of_use,
                              struct kt_hunt_idtab *tab)
{
    kt_hunt_idtab_init(tab);
    for (size_t i = 0; i < n; i++) {
        uint32_t c = kt_hunt_idtab_put(tab, kt_hunt_net_key(&u[i]), u[i].client_id, NULL);
        if (c == KT_HUNT_IDTAB_NONE) {
            return SIZE_MAX;
        }
        of_use[i] = c;
    }
    return tab->n;
}

int kt_hunt_hour_of(int64_t ms)
{
    int64_t day_ms = ms % 86400000;
    if (day_ms < 0) {
        day_ms += 86400000;
    }
    return (int)(day_ms / 3600000);
}
