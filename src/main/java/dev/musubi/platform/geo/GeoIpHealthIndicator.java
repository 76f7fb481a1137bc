package dev.musubi.platform.geo;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code geoIp}: up with the row count when the IP-to-country
 * file is loaded, up with {@code state=off} when none is configured (country alerts are off), down
 * when a configured file could never be read. Not part of readiness: sign-in works without it.
 */
@Component("geoIpHealthIndicator")
class GeoIpHealthIndicator implements HealthIndicator {

  private final GeoIp geoIp;

  GeoIpHealthIndicator(GeoIp geoIp) {
    this.geoIp = geoIp;
  }

  @Override
  public Health health() {
    GeoIp.Status s = geoIp.status();
    Health.Builder b = s.state().equals("failed") ? Health.down() : Health.up();
    b.withDetail("state", s.state());
    if (s.file() != null) {
      b.withDetail("file", s.file())
          .withDetail("rows", s.rows())
          .withDetail("skipped", s.skipped());
    }
    if (s.loadedAt() != null) {
      b.withDetail("loadedAt", s.loadedAt().toString());
    }
    if (s.error() != null) {
      b.withDetail("error", s.error());
    }
    return b.build();
  }
}
