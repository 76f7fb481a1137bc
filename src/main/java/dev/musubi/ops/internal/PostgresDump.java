package dev.musubi.ops.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL's own dump beside Musubi's portable snapshot: {@code pg_dump --format=custom} of
 * Musubi's schema, streamed into the archive's encryption, so an operator can restore a PostgreSQL
 * installation with {@code pg_restore}. Used only when the database is PostgreSQL and {@code
 * pg_dump} runs ({@code musubi.backup.pg-dump}, default {@code pg_dump} on the path).
 */
@Component
class PostgresDump {

  private static final Pattern URL =
      Pattern.compile("jdbc:postgresql://([^/:?,]+)(?::(\\d+))?/([^?]+)(?:\\?.*)?");

  /** What a dump needs, or why there is none. */
  record Target(
      @Nullable String host,
      int port,
      @Nullable String database,
      @Nullable String schema,
      @Nullable String skipped) {

    static Target skipped(String why) {
      return new Target(null, 0, null, null, why);
    }
  }

  private final String command;
  private final String user;
  private final String password;

  PostgresDump(
      @Value("${musubi.backup.pg-dump:pg_dump}") String command,
      @Value("${spring.datasource.username:}") String user,
      @Value("${spring.datasource.password:}") String password) {
    this.command = command;
    this.user = user;
    this.password = password;
  }

  /** Where the dump would come from, read off a connection of the running database. */
  Target target(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (!c.getMetaData().getDatabaseProductName().equalsIgnoreCase("PostgreSQL")) {
        return Target.skipped("the database is not PostgreSQL");
      }
      Matcher m = URL.matcher(c.getMetaData().getURL());
      if (!m.matches()) {
        return Target.skipped("the JDBC URL names no single host and database");
      }
      String schema;
      try (var s = c.createStatement();
          var rs = s.executeQuery("SELECT current_schema()")) {
        rs.next();
        schema = rs.getString(1);
      }
      return new Target(
          m.group(1),
          m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)),
          m.group(3),
          schema,
          null);
    }
  }

  /** {@code pg_dump --version}, or null when it does not run. */
  @Nullable String version() {
    try {
      Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Runs {@code pg_dump} for the target and streams its output into {@code out}. */
  void dump(Target target, OutputStream out) throws IOException {
    List<String> args = new ArrayList<>();
    args.add(command);
    args.add("--format=custom");
    args.add("--no-owner");
    args.add("--no-privileges");
    args.add("--host=" + target.host());
    args.add("--port=" + target.port());
    args.add("--dbname=" + target.database());
    args.add("--schema=" + target.schema());
    if (!user.isEmpty()) {
      args.add("--username=" + user);
    }
    args.add("--no-password");
    ProcessBuilder builder = new ProcessBuilder(args);
    Map<String, String> env = builder.environment();
    if (!password.isEmpty()) {
      env.put("PGPASSWORD", password);
    }
    env.put("PGCONNECT_TIMEOUT", "10");
    Process p = builder.start();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    Thread drain =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (InputStream err = p.getErrorStream()) {
                    err.transferTo(errors);
                  } catch (IOException ignored) {
                    // the process ended; what it said so far is kept
                  }
                });
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    try {
      if (!p.waitFor(1, TimeUnit.HOURS)) {
        p.destroyForcibly();
        throw new IOException("pg_dump did not finish within an hour");
      }
      drain.join(10_000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while pg_dump ran", e);
    }
    if (p.exitValue() != 0) {
      String said = errors.toString(StandardCharsets.UTF_8).strip();
      throw new IOException(
          "pg_dump failed ("
              + p.exitValue()
              + "): "
              + (said.length() > 500 ? said.substring(0, 500) : said));
    }
  }
}
