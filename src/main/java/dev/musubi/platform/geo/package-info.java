/**
 * Country of an IP address from an operator-supplied IP-to-country CSV ({@code musubi.geoip.csv}):
 * {@link dev.musubi.platform.geo.GeoIp} keeps the table in memory and reloads it when the file
 * changes. Without a file every lookup answers "unknown".
 */
@NullMarked
package dev.musubi.platform.geo;

import org.jspecify.annotations.NullMarked;
