package dev.musubi.platform.blob.internal;

import dev.musubi.platform.Ids;
import dev.musubi.platform.MusubiCommand;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The key commands: {@code keys-rotate}, {@code blobs-reencrypt} (both for the given companies or
 * all) and {@code keys-rewrap}. Exit code 0, 1 when something failed, 2 for bad arguments.
 */
@Configuration(proxyBeanMethods = false)
class KeyCommands {

  @Bean("keys-rotate")
  MusubiCommand keysRotateCommand(KeyRotation rotation) {
    return new KeysRotate(rotation, System.out);
  }

  @Bean("blobs-reencrypt")
  MusubiCommand blobsReencryptCommand(KeyRotation rotation) {
    return new BlobsReencrypt(rotation, System.out);
  }

  @Bean("keys-rewrap")
  MusubiCommand keysRewrapCommand(KeyRotation rotation) {
    return new KeysRewrap(rotation, System.out);
  }

  /** Company IDs from the arguments, all companies when none; null (after a message) when bad. */
  static @Nullable List<UUID> tenants(List<String> args, KeyRotation rotation, PrintStream out) {
    List<UUID> tenants = new ArrayList<>();
    for (String arg : args) {
      UUID id = Ids.parseOrNull(arg.trim());
      if (id == null) {
        out.println("not a company ID: " + arg);
        return null;
      }
      tenants.add(id);
    }
    return tenants.isEmpty() ? rotation.tenants() : tenants;
  }

  record KeysRotate(KeyRotation rotation, PrintStream out) implements MusubiCommand {
    @Override
    public String name() {
      return "keys-rotate";
    }

    @Override
    public String description() {
      return "[company-id...] give companies a new data key for new writes (old blobs stay"
          + " readable; run blobs-reencrypt to move them)";
    }

    @Override
    public int run(List<String> args) {
      List<UUID> tenants = tenants(args, rotation, out);
      if (tenants == null) {
        return 2;
      }
      for (UUID tenant : tenants) {
        out.println(tenant + " dataKey=" + rotation.rotate(tenant));
      }
      out.flush();
      return 0;
    }
  }

  record BlobsReencrypt(KeyRotation rotation, PrintStream out) implements MusubiCommand {
    @Override
    public String name() {
      return "blobs-reencrypt";
    }

    @Override
    public String description() {
      return "[company-id...] re-encrypt older blobs under each company's current data key"
          + " (safe while Musubi runs)";
    }

    @Override
    public int run(List<String> args) {
      List<UUID> tenants = tenants(args, rotation, out);
      if (tenants == null) {
        return 2;
      }
      boolean ok = true;
      for (UUID tenant : tenants) {
        KeyRotation.Reencrypted result = rotation.reencrypt(tenant);
        ok &= result.failed() == 0;
        out.println(tenant + " reencrypted=" + result.moved() + " failed=" + result.failed());
      }
      out.flush();
      return ok ? 0 : 1;
    }
  }

  record KeysRewrap(KeyRotation rotation, PrintStream out) implements MusubiCommand {
    @Override
    public String name() {
      return "keys-rewrap";
    }

    @Override
    public String description() {
      return "re-wrap every data key under the current master key (MUSUBI_MASTER_KEY), reading"
          + " older ones with MUSUBI_MASTER_KEY_PREVIOUS";
    }

    @Override
    public int run(List<String> args) {
      if (!args.isEmpty()) {
        out.println("keys-rewrap takes no arguments");
        return 2;
      }
      Map<UUID, Integer> counts = rotation.rewrap();
      counts.forEach((tenant, count) -> out.println(tenant + " rewrapped=" + count));
      out.println("total rewrapped=" + counts.values().stream().mapToInt(i -> i).sum());
      out.flush();
      return 0;
    }
  }
}
