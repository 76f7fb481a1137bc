package dev.musubi.messaging.internal;

import dev.musubi.messaging.internal.TalkStore.MessageRow;
import dev.musubi.platform.Ids;
import dev.musubi.platform.MusubiCommand;
import dev.musubi.platform.search.SearchIndex;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@code index-rebuild [company-id…]}: rebuilds the talk message search index of the given
 * companies (or of every company with messages) from the database: the company's message documents
 * are dropped, then every live text message is indexed again. Exit code 0 on success, 1 when no
 * search index is configured, 2 for bad arguments.
 */
@Component("index-rebuild")
public class IndexRebuildCommand implements MusubiCommand {

  private static final int BATCH = 500;

  private final TalkStore store;
  private final ObjectProvider<SearchIndex> index;
  private final PrintStream out;

  @Autowired
  IndexRebuildCommand(TalkStore store, ObjectProvider<SearchIndex> index) {
    this(store, index, System.out);
  }

  IndexRebuildCommand(TalkStore store, ObjectProvider<SearchIndex> index, PrintStream out) {
    this.store = store;
    this.index = index;
    this.out = out;
  }

  @Override
  public String name() {
    return "index-rebuild";
  }

  @Override
  public String description() {
    return "[company-id...] rebuild the talk message search index from the database";
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
    SearchIndex i = index.getIfAvailable();
    if (i == null) {
      out.println("no search index is configured");
      return 1;
    }
    if (tenants.isEmpty()) {
      tenants.addAll(store.tenantsWithMessages());
    }
    for (UUID tenant : tenants) {
      out.println(tenant + " indexed=" + rebuild(i, tenant));
    }
    return 0;
  }

  /** Rebuilds one company's message documents; returns how many were indexed. */
  public long rebuild(UUID tenantId) {
    SearchIndex i = index.getIfAvailable();
    return i == null ? 0 : rebuild(i, tenantId);
  }

  private long rebuild(SearchIndex i, UUID tenantId) {
    i.deleteAll(tenantId, MessageIndexer.TYPE);
    long n = 0;
    UUID after = null;
    while (true) {
      List<MessageRow> batch = store.textMessagesAfter(tenantId, after, BATCH);
      for (MessageRow m : batch) {
        i.index(MessageIndexer.document(m));
        n++;
      }
      if (batch.size() < BATCH) {
        return n;
      }
      after = batch.get(batch.size() - 1).id();
    }
  }
}
