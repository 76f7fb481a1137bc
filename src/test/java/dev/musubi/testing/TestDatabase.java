package dev.musubi.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points a test's Spring context at a fresh database: an in-memory H2 (PostgreSQL mode) by default,
 * or a new schema in the PostgreSQL on 127.0.0.1:5432 when the system property {@code musubi.it.db}
 * is {@code postgres}. The build runs every integration test once on each.
 */
public class TestDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  /** Which database this JVM's integration tests use: {@code h2} or {@code postgres}. */
  public static String kind() {
    return System.getProperty("musubi.it.db", "h2");
  }

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    String name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Map<String, Object> props = new HashMap<>();
    if ("postgres".equals(kind())) {
      props.put(
          "spring.datasource.url", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + name);
      props.put("spring.datasource.username", "postgres");
      props.put("spring.datasource.password", "");
      props.put("spring.flyway.schemas", name);
      props.put("spring.flyway.create-schemas", "true");
    } else {
      props.put(
          "spring.datasource.url",
          "jdbc:h2:mem:"
              + name
              + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
      props.put("spring.datasource.username", "sa");
      props.put("spring.datasource.password", "");
    }
    props.put("musubi.data-dir", System.getProperty("java.io.tmpdir") + "/musubi-it/" + name);
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(new MapPropertySource("musubi-test-database", props));
  }
}
