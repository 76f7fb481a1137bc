package dev.musubi.platform.blob.internal;

import dev.musubi.platform.Ids;
import dev.musubi.platform.MusubiCommand;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@code blobs-gc [company-id…]}: removes the unreferenced blobs older than the grace period now,
 * of the given companies or of all. Exit code 0, or 2 for bad arguments.
 */
@Component("blobs-gc")
class BlobsGcCommand implements MusubiCommand {

  private final BlobGarbageCollector collector;
  private final PrintStream out;

  @Autowired
  BlobsGcCommand(BlobGarbageCollector collector) {
    this(collector, System.out);
  }

  BlobsGcCommand(BlobGarbageCollector collector, PrintStream out) {
    this.collector = collector;
    this.out = out;
  }

  @Override
  public String name() {
    return "blobs-gc";
  }

  @Override
  public String description() {
    return "[company-id...] remove unreferenced blobs and unrecorded object files older than the grace period"
        + " (musubi.blobs.gc-grace)";
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
      print("all", collector.collect(null));
    }
    for (UUID tenant : tenants) {
      print(tenant.toString(), collector.collect(tenant));
    }
    out.flush();
    return 0;
  }

  private void print(String scope, BlobGarbageCollector.Result result) {
    out.println(
        scope
            + " deleted="
            + result.deleted()
            + " kept="
            + result.kept()
            + " tempFilesRemoved="
            + result.tempFilesRemoved()
            + " orphanFilesRemoved="
            + result.orphanFilesRemoved()
            + " grace="
            + collector.grace());
  }
}
