package dev.musubi.platform;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code musubi.*}.
 *
 * @param dataDir where the embedded stores keep their files (env {@code MUSUBI_DATA_DIR})
 * @param publicUrl the URL members use to reach Musubi, for links in logs and mail
 * @param trustedProxies addresses whose {@code X-Forwarded-For} is believed
 * @param metricsNetworks addresses or CIDR ranges that may read {@code /actuator/prometheus}
 *     without signing in (a monitoring server); the operator may always
 * @param bootstrap first-start settings
 */
@ConfigurationProperties("musubi")
public record MusubiProperties(
    Path dataDir,
    @Nullable String publicUrl,
    List<String> trustedProxies,
    List<String> metricsNetworks,
    Bootstrap bootstrap) {

  public MusubiProperties {
    if (trustedProxies == null) {
      trustedProxies = List.of();
    }
    if (metricsNetworks == null) {
      metricsNetworks = List.of();
    }
    if (bootstrap == null) {
      bootstrap = new Bootstrap(null, null, null, null, null);
    }
  }

  /** First-start values (env {@code MUSUBI_BOOTSTRAP_*}, {@code MUSUBI_OPERATOR_PASSWORD}). */
  public record Bootstrap(
      @Nullable String domain,
      @Nullable String admin,
      @Nullable String password,
      @Nullable String companyName,
      @Nullable String operatorPassword) {}
}
