package dev.musubi.platform.blob.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import dev.musubi.platform.MusubiProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The master keys that wrap the companies' data keys: the current one (env {@code
 * MUSUBI_MASTER_KEY}, or generated once into {@code <data-dir>/keys/master.key}) and earlier ones
 * kept for unwrapping until every data key has been re-wrapped. A key is 32 random bytes in base64;
 * its ID is the first 16 hex digits of the SHA-256 of those bytes, so no key is ever stored in the
 * database.
 */
@Component
public class MasterKeys {

  private static final Logger log = LoggerFactory.getLogger(MasterKeys.class);

  private final String currentId;
  private final Map<String, Aead> keys = new LinkedHashMap<>();

  public MasterKeys(BlobProperties properties, MusubiProperties musubi, Environment env) {
    String configured = properties.masterKey();
    if (configured == null || configured.isBlank()) {
      configured = env.getProperty("MUSUBI_MASTER_KEY", "");
    }
    byte[] current;
    if (configured.isBlank()) {
      current = generatedKey(musubi.dataDir().resolve("keys").resolve("master.key"));
    } else {
      current = decode(configured, "MUSUBI_MASTER_KEY");
    }
    currentId = keyId(current);
    keys.put(currentId, aead(current));
    List<String> previous = new ArrayList<>(properties.previousMasterKeys());
    String envPrevious = env.getProperty("MUSUBI_MASTER_KEY_PREVIOUS", "");
    for (String part : envPrevious.split(",")) {
      if (!part.isBlank()) {
        previous.add(part);
      }
    }
    for (String text : previous) {
      byte[] key = decode(text.trim(), "MUSUBI_MASTER_KEY_PREVIOUS");
      keys.putIfAbsent(keyId(key), aead(key));
    }
  }

  /** The ID of the key that wraps new data keys. */
  public String currentId() {
    return currentId;
  }

  /** The current key. */
  Aead current() {
    return keys.get(currentId);
  }

  /** The key with this ID. */
  Aead get(String id) {
    Aead key = keys.get(id);
    if (key == null) {
      throw new IllegalStateException(
          "master key "
              + id
              + " is not configured: add it to MUSUBI_MASTER_KEY_PREVIOUS to read data keys"
              + " wrapped by it");
    }
    return key;
  }

  /** A new master key in the configuration format (base64 of 32 random bytes). */
  public static String newKeyText() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  static String keyId(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] decode(String text, String name) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(name + " is not base64 (expected 32 random bytes in base64)");
    }
    if (key.length != 32) {
      throw new IllegalStateException(
          name + " must be 32 bytes in base64 (e.g. `openssl rand -base64 32`), got " + key.length);
    }
    return key;
  }

  private static Aead aead(byte[] key) {
    try {
      return new AesGcmJce(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("unusable master key", e);
    }
  }

  private static byte[] generatedKey(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        try {
          Files.setPosixFilePermissions(
              file.getParent(), PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(
              file, newKeyText() + "\n", StandardCharsets.US_ASCII, StandardOpenOption.SYNC);
          log.warn(
              "Generated a master key into {}. Production should supply MUSUBI_MASTER_KEY from a"
                  + " secret store and back it up apart from the data: without it no file can be"
                  + " decrypted.",
              file.toAbsolutePath());
        } catch (FileAlreadyExistsException raced) {
          // another process created it first
        }
      } else {
        log.warn(
            "Using the master key in {}: production should supply MUSUBI_MASTER_KEY from a secret"
                + " store instead of keeping it beside the data.",
            file.toAbsolutePath());
      }
      return decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the master key " + file, e);
    }
  }
}
