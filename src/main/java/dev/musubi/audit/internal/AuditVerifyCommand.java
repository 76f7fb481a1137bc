package dev.musubi.audit.internal;

import dev.musubi.audit.AuditLog;
import dev.musubi.audit.AuditVerification;
import dev.musubi.platform.Ids;
import dev.musubi.platform.MusubiCommand;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@code audit-verify [company-id…]}: checks the hash chain of the given companies, or of every
 * company that has a trail, and prints one line per company. Exit code 0 when all are intact, 1
 * when any is broken, 2 for bad arguments. Companies are named by ID only: their domains belong to
 * the identity module's tables, which audit does not read.
 */
@Component("audit-verify")
class AuditVerifyCommand implements MusubiCommand {

  private final AuditLog log;
  private final PrintStream out;

  @Autowired
  AuditVerifyCommand(AuditLog log) {
    this(log, System.out);
  }

  AuditVerifyCommand(AuditLog log, PrintStream out) {
    this.log = log;
    this.out = out;
  }

  @Override
  public String name() {
    return "audit-verify";
  }

  @Override
  public String description() {
    return "[company-id...] verify the audit hash chain of the given or of all companies";
  }

  @Override
  public int run(List<String> args) {
    List<UUID> tenants = new ArrayList<>();
    for (String arg : args) {
      UUID id = Ids.parseOrNull(arg.trim());
      if (id == null) {
        out.println("not a company ID: " + arg);
        return 2;
      }
      tenants.add(id);
    }
    if (tenants.isEmpty()) {
      tenants.addAll(log.tenantsWithTrail());
    }
    boolean allValid = true;
    for (UUID tenant : tenants) {
      AuditVerification result = log.verify(tenant);
      allValid &= result.valid();
      out.println(
          result.valid()
              ? tenant + " OK checked=" + result.checked()
              : tenant
                  + " BROKEN checked="
                  + result.checked()
                  + " firstBrokenSeq="
                  + result.firstBrokenSeq()
                  + " reason="
                  + result.reason());
    }
    out.flush();
    return allValid ? 0 : 1;
  }
}
