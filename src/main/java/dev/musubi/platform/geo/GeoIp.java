package dev.musubi.platform.geo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The country of a client address, from the IP-to-country CSV the operator names in {@code
 * musubi.geoip.csv} (env {@code MUSUBI_GEOIP_CSV}). The file is read at start and again when its
 * size or modification time changes (checked every {@code musubi.geoip.check-interval}, one minute
 * by default); a file that cannot be read keeps the table loaded before.
 */
@Service
public class GeoIp {

  /**
   * What the console and the health endpoint show.
   *
   * @param state {@code off} (no file configured), {@code loaded}, or {@code failed} (configured,
   *     never read successfully)
   * @param error why the last read failed, or null
   */
  public record Status(
      String state,
      @Nullable String file,
      long rows,
      long skipped,
      long overlapping,
      int boundaries,
      long bytes,
      long loadMillis,
      @Nullable Instant loadedAt,
      @Nullable String error) {

    public boolean enabled() {
      return "loaded".equals(state);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(GeoIp.class);

  private final @Nullable Path file;
  private final Clock clock;
  private volatile IpCountryTable table = IpCountryTable.empty();
  private volatile Status status;
  private @Nullable String seenVersion;

  GeoIp(@Value("${musubi.geoip.csv:}") String csv, Clock clock) {
    this.file = csv.isBlank() ? null : Path.of(csv.trim());
    this.clock = clock;
    this.status = new Status(file == null ? "off" : "failed", name(), 0, 0, 0, 0, 0, 0, null, null);
    reloadIfChanged();
  }

  /** The upper-case ISO 3166 alpha-2 code of the address, empty when it is not known. */
  public Optional<String> country(@Nullable String ip) {
    return Optional.ofNullable(table.lookup(ip));
  }

  public Status status() {
    return status;
  }

  /** Reads the file again when it changed since the last read. Returns true when it was read. */
  @Scheduled(
      fixedDelayString = "${musubi.geoip.check-interval:PT1M}",
      initialDelayString = "${musubi.geoip.check-interval:PT1M}")
  public synchronized boolean reloadIfChanged() {
    Path f = file;
    if (f == null) {
      return false;
    }
    String version;
    try {
      BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
      version = a.size() + "@" + a.lastModifiedTime().toMillis();
    } catch (IOException e) {
      failed("cannot read the file: " + e.getClass().getSimpleName());
      return false;
    }
    if (version.equals(seenVersion)) {
      return false;
    }
    long started = System.nanoTime();
    try (InputStream in = Files.newInputStream(f)) {
      IpCountryTable t = IpCountryTable.read(in);
      long millis = (System.nanoTime() - started) / 1_000_000;
      IpCountryTable.LoadReport r = t.report();
      table = t;
      seenVersion = version;
      status =
          new Status(
              "loaded",
              name(),
              r.rows(),
              r.skipped(),
              r.overlapping(),
              r.boundaries(),
              t.sizeInBytes(),
              millis,
              clock.instant(),
              r.rows() == 0 ? "the file has no valid rows" : null);
      log.info(
          "GeoIP: {} rows read ({} skipped, {} overlapping) from {} in {} ms",
          r.rows(),
          r.skipped(),
          r.overlapping(),
          f,
          millis);
      return true;
    } catch (IOException | RuntimeException e) {
      failed("cannot read the file: " + e.getClass().getSimpleName());
      return false;
    }
  }

  private void failed(String why) {
    Status s = status;
    log.warn("GeoIP: {} ({})", why, file);
    status =
        new Status(
            s.state().equals("loaded") ? "loaded" : "failed",
            name(),
            s.rows(),
            s.skipped(),
            s.overlapping(),
            s.boundaries(),
            s.bytes(),
            s.loadMillis(),
            s.loadedAt(),
            why);
  }

  private @Nullable String name() {
    return file == null ? null : file.getFileName().toString();
  }
}
