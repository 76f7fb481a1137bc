package dev.musubi.identity.internal.credentials;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * The list of common and breached passwords that {@link PasswordRules} refuses.
 *
 * <p>The default list is {@value #DEFAULT_RESOURCE} on the classpath: the first 104,259 lines of
 * SecLists' {@code 10-million-password-list-top-1000000.txt} (see {@code
 * NOTICE-common-passwords.txt} next to it). Entries are lower-cased ({@link Locale#ROOT}) and
 * de-duplicated ({@code Password}, {@code PASSWORD} and {@code password} are one entry), which
 * leaves 100,500 distinct entries.
 *
 * <p>The list is loaded once, lazily, on the first call of {@link #contains} or {@link #size}, into
 * a sorted {@code String[]} searched by binary search (about 5 MB of heap for the default list).
 * Instances are thread-safe.
 */
public final class CommonPasswords {

  /** Classpath location of the gzip-compressed default list, one password per line. */
  public static final String DEFAULT_RESOURCE = "/security/common-passwords.txt.gz";

  private final String resource;
  private volatile String @Nullable [] entries;

  /** The default list at {@value #DEFAULT_RESOURCE}. */
  public CommonPasswords() {
    this(DEFAULT_RESOURCE);
  }

  /**
   * A list read from a gzip-compressed UTF-8 classpath resource with one password per line.
   *
   * @param resource absolute classpath resource name, must not be null; its absence is reported on
   *     first use with an {@link IllegalStateException}
   */
  public CommonPasswords(String resource) {
    this.resource = Objects.requireNonNull(resource, "resource");
  }

  /**
   * Whether the candidate is on the list.
   *
   * @param candidateLowerCase the password, already lower-cased with {@link Locale#ROOT}; must not
   *     be null
   * @throws IllegalStateException if the list cannot be read
   */
  public boolean contains(String candidateLowerCase) {
    Objects.requireNonNull(candidateLowerCase, "candidateLowerCase");
    return Arrays.binarySearch(entries(), candidateLowerCase) >= 0;
  }

  /**
   * Number of distinct lower-cased entries.
   *
   * @throws IllegalStateException if the list cannot be read
   */
  public int size() {
    return entries().length;
  }

  private String[] entries() {
    String[] loaded = entries;
    if (loaded == null) {
      synchronized (this) {
        loaded = entries;
        if (loaded == null) {
          loaded = load();
          entries = loaded;
        }
      }
    }
    return loaded;
  }

  private String[] load() {
    InputStream raw = CommonPasswords.class.getResourceAsStream(resource);
    if (raw == null) {
      throw new IllegalStateException("Common password list not found: " + resource);
    }
    var lines = new ArrayList<String>(105_000);
    try (var reader =
        new BufferedReader(
            new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String entry = line.strip().toLowerCase(Locale.ROOT);
        if (!entry.isEmpty()) {
          lines.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read common password list " + resource, e);
    }
    String[] sorted = lines.stream().distinct().sorted().toArray(String[]::new);
    return sorted;
  }
}
