package dev.musubi.ops.internal;

import dev.musubi.platform.MusubiCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code backup --to DIR}, {@code verify --from DIR} and {@code restore --from DIR}. With the
 * embedded database, run them while Musubi is stopped (the database file is held by the running
 * server, whose scheduled or operator-started backups cover that case); with PostgreSQL, {@code
 * backup} may run beside the server.
 */
@Configuration
class BackupCommands {

  private static final PrintStream OUT = System.out;

  @Bean
  MusubiCommand backupCommand(Backups backups) {
    return command(
        "backup",
        "--to DIR  write a consistent, encrypted archive of the database and blobs into DIR",
        "--to",
        dir -> {
          Backups.Archive a = backups.backup(dir);
          OUT.println(
              "archive "
                  + a.path()
                  + ": "
                  + a.files()
                  + " files, "
                  + a.bytes()
                  + " bytes, "
                  + a.took().toMillis()
                  + " ms");
          return 0;
        });
  }

  @Bean
  MusubiCommand verifyCommand(Backups backups) {
    return command(
        "verify",
        "--from DIR  check an archive's manifest, checksums and that its database decrypts",
        "--from",
        dir -> {
          Backups.Verification v = backups.verify(dir);
          if (v.valid()) {
            OUT.println(
                "archive "
                    + dir
                    + " is intact: "
                    + v.files()
                    + " files, "
                    + v.rows().values().stream().mapToLong(Long::longValue).sum()
                    + " rows");
            return 0;
          }
          v.problems().forEach(p -> OUT.println("problem: " + p));
          return 1;
        });
  }

  @Bean
  MusubiCommand restoreCommand(Backups backups) {
    return command(
        "restore",
        "--from DIR  restore an archive into an empty data directory and database",
        "--from",
        dir -> {
          Map<String, Long> rows = backups.restore(dir);
          OUT.println(
              "restored "
                  + rows.values().stream().mapToLong(Long::longValue).sum()
                  + " rows in "
                  + rows.size()
                  + " tables from "
                  + dir
                  + "; the search index rebuilds from the restored data");
          return 0;
        });
  }

  @Bean
  MusubiCommand pgDumpCommand(Backups backups) {
    return new MusubiCommand() {
      @Override
      public String name() {
        return "backup-pgdump";
      }

      @Override
      public String description() {
        return "--from DIR --to FILE  write an archive's decrypted pg_dump file for pg_restore";
      }

      @Override
      public int run(List<String> args) {
        @Nullable Path from = null;
        @Nullable Path to = null;
        for (int i = 0; i + 1 < args.size(); i++) {
          if (args.get(i).equals("--from")) {
            from = Path.of(args.get(i + 1));
          } else if (args.get(i).equals("--to")) {
            to = Path.of(args.get(i + 1));
          }
        }
        if (from == null || to == null) {
          OUT.println("usage: backup-pgdump --from DIR --to FILE");
          return 2;
        }
        try {
          backups.extractPostgresDump(from, to);
          OUT.println("wrote " + to + "; restore with: pg_restore --no-owner -d DATABASE " + to);
          return 0;
        } catch (IOException | RuntimeException e) {
          OUT.println("backup-pgdump failed: " + e.getMessage());
          return 1;
        }
      }
    };
  }

  private interface Action {
    int run(Path dir) throws IOException;
  }

  private static MusubiCommand command(
      String name, String description, String option, Action action) {
    return new MusubiCommand() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public int run(List<String> args) {
        @Nullable Path dir = null;
        for (int i = 0; i < args.size(); i++) {
          if (args.get(i).equals(option) && i + 1 < args.size()) {
            dir = Path.of(args.get(i + 1));
          }
        }
        if (dir == null) {
          OUT.println("usage: " + name + " " + option + " DIR");
          return 2;
        }
        try {
          return action.run(dir);
        } catch (IOException | RuntimeException e) {
          OUT.println(name + " failed: " + e.getMessage());
          return 1;
        }
      }
    };
  }
}
