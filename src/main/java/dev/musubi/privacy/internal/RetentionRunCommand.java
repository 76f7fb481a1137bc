package dev.musubi.privacy.internal;

import dev.musubi.platform.Ids;
import dev.musubi.platform.MusubiCommand;
import dev.musubi.privacy.Retention;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@code retention-run [company-id…]}: runs the retention policy of the given companies (or of
 * every company that has one) now, as the daily job does, and retries erasures that waited for a
 * legal hold. Exit code 0 on success, 2 for bad arguments.
 */
@Component("retention-run")
public class RetentionRunCommand implements MusubiCommand {

  private final Retention retention;
  private final MemberErasure erasure;
  private final PrintStream out;

  @Autowired
  RetentionRunCommand(Retention retention, MemberErasure erasure) {
    this(retention, erasure, System.out);
  }

  RetentionRunCommand(Retention retention, MemberErasure erasure, PrintStream out) {
    this.retention = retention;
    this.erasure = erasure;
    this.out = out;
  }

  @Override
  public String name() {
    return "retention-run";
  }

  @Override
  public String description() {
    return "[company-id...] apply the retention policy now and retry held erasures";
  }

  @Override
  public int run(List<String> args) {
    List<UUID> companies = new ArrayList<>();
    for (String arg : args) {
      UUID id = Ids.parseOrNull(arg.trim());
      if (id == null) {
        out.println("not a company ID: " + arg);
        return 2;
      }
      companies.add(id);
    }
    if (companies.isEmpty()) {
      companies.addAll(retention.companiesWithPolicy());
    }
    for (UUID company : companies) {
      out.println(company + " deleted=" + retention.runAsSystem(company).deleted());
    }
    out.println("erasures completed=" + erasure.retryPending());
    return 0;
  }
}
