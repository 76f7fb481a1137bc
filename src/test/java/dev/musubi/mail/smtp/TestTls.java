package dev.musubi.mail.smtp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** TLS for the SMTP and submission tests: a self-signed server key and a client that trusts it. */
public final class TestTls {

  public static final String KEY_STORE_PASSWORD = "smtp-test-store";

  private TestTls() {}

  /** A PKCS12 key store with a self-signed certificate for mx.musubi.test, made by keytool. */
  public static Path selfSignedKeyStore() {
    return selfSignedKeyStore("mx.musubi.test", KEY_STORE_PASSWORD);
  }

  /** A PKCS12 key store with a self-signed certificate for {@code host} (and 127.0.0.1). */
  public static Path selfSignedKeyStore(String host, String password) {
    try {
      Path dir = Files.createTempDirectory("musubi-test-tls");
      Path store = dir.resolve("server.p12");
      var keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      var process =
          new ProcessBuilder(
                  keytool,
                  "-genkeypair",
                  "-alias",
                  "server",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-dname",
                  "CN=" + host,
                  "-validity",
                  "2",
                  "-ext",
                  "SAN=dns:" + host + ",ip:127.0.0.1",
                  "-storetype",
                  "PKCS12",
                  "-keystore",
                  store.toString(),
                  "-storepass",
                  password,
                  "-keypass",
                  password)
              .redirectErrorStream(true)
              .start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + new String(output));
      }
      return store;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A client context that trusts any server certificate (the tests' self-signed one). */
  public static SSLContext trustAll() throws Exception {
    var context = SSLContext.getInstance("TLS");
    context.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    return context;
  }
}
