/*
 * Great-circle distance between two coordinates (kt_geo_distance_km in keytrail/geo.h): the
 * haversine formula on a sphere of the mean Earth radius, 6371 km. Good to about 0.5 % against
 * the ellipsoid, which is far finer than the accuracy of IP geolocation itself.
 */
#include <keytrail/geo.h>

#include <math.h>

#define EARTH_RADIUS_KM 6371.0
#define DEG_TO_RAD (3.14159265358979323846 / 180.0)

double kt_geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    double p1 = lat1 * DEG_TO_RAD, p2 = lat2 * DEG_TO_RAD;
    double dp = (lat2 - lat1) * DEG_TO_RAD, dl = (lon2 - lon1) * DEG_TO_RAD;
    double s1 = sin(dp / 2.0), s2 = sin(dl / 2.0);
    double a = s1 * s1 + cos(p1) * cos(p2) * s2 * s2;
    /* Rounding can push a a hair outside [0, 1] for (near-)antipodal points. */
    if (a > 1.0) {
        a = 1.0;
    } else if (a < 0.0) {
        a = 0.0;
    }
    return 2.0 * EARTH_RADIUS_KM * asin(sqrt(a));
}
