package dev.musubi.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.Fixtures;
import dev.musubi.testing.TestClockConfiguration;
import dev.musubi.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Musubi serving HTTPS itself from a configured PKCS#12 key store (the {@code SERVER_SSL_*}
 * settings of the README): the session cookie is {@code Secure} and HSTS is sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ContextConfiguration(initializers = TestDatabase.class)
@Import(TestClockConfiguration.class)
class HttpsIntegrationTests {

  private static final String STORE_PASSWORD = "changeit-test";

  @LocalServerPort int port;

  @DynamicPropertySource
  static void keyStore(DynamicPropertyRegistry registry) throws Exception {
    Path dir = Files.createTempDirectory("musubi-tls");
    Path store = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "musubi",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                STORE_PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(output).isZero();
    registry.add("server.ssl.enabled", () -> "true");
    registry.add("server.ssl.key-store", store::toString);
    registry.add("server.ssl.key-store-password", () -> STORE_PASSWORD);
    registry.add("server.ssl.key-store-type", () -> "PKCS12");
  }

  @Test
  void servesHttpsWithSecureCookiesAndHsts() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trustAll()).build();
    HttpResponse<String> health =
        client.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/actuator/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("Strict-Transport-Security")).isPresent();

    HttpResponse<String> login =
        client.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"loginId\":\"operator\",\"password\":\""
                            + Fixtures.OPERATOR_PASSWORD
                            + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    List<String> cookies = login.headers().allValues("Set-Cookie");
    assertThat(cookies)
        .anySatisfy(
            c ->
                assertThat(c)
                    .startsWith("MUSUBI_SESSION=")
                    .contains("Secure")
                    .contains("HttpOnly"));
  }

  @Test
  void plainHttpIsNotServedOnTheTlsPort() {
    HttpClient client = HttpClient.newHttpClient();
    assertThat(
            catchIo(
                () ->
                    client.send(
                        HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/actuator/health"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())))
        .satisfiesAnyOf(
            r -> assertThat(r).isNull(), r -> assertThat(r.statusCode()).isEqualTo(400));
  }

  private interface Call {
    HttpResponse<String> run() throws IOException, InterruptedException;
  }

  private static HttpResponse<String> catchIo(Call call) {
    try {
      return call.run();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static SSLContext trustAll() throws Exception {
    TrustManager[] trustAll = {
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
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustAll, new SecureRandom());
    return context;
  }
}
