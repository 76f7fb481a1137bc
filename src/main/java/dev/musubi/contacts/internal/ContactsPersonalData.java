package dev.musubi.contacts.internal;

import dev.musubi.contacts.codec.VCards;
import dev.musubi.platform.privacy.ExportSink;
import dev.musubi.platform.privacy.HeldScope;
import dev.musubi.platform.privacy.PersonalDataEraser;
import dev.musubi.platform.privacy.PersonalDataSource;
import ezvcard.VCardVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Contacts' part of privacy: the member's personal address book as one vCard 4.0 file (written by
 * {@link VCards}) in the export, and its removal (rows and sync tombstones) when the member is
 * purged. The shared book belongs to the company and stays.
 */
@Component
class ContactsPersonalData implements PersonalDataSource, PersonalDataEraser {

  private final ContactStore store;
  private final JdbcClient jdbc;

  ContactsPersonalData(ContactStore store, JdbcClient jdbc) {
    this.store = store;
    this.jdbc = jdbc;
  }

  @Override
  public String name() {
    return "contacts";
  }

  @Override
  public void export(UUID companyId, UUID memberId, ExportSink sink) throws IOException {
    List<VCards.Written> cards =
        store.changesSince(companyId, memberId, 0).stream()
            .filter(c -> !c.deleted() && c.row() != null)
            .map(c -> Objects.requireNonNull(c.row()))
            .map(r -> new VCards.Written(r.contact(), r.photo()))
            .toList();
    sink.write(
        "contacts/personal.vcf",
        VCards.write(cards, VCardVersion.V4_0).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int erase(UUID companyId, UUID memberId, HeldScope held) {
    return jdbc.sql("DELETE FROM contact WHERE tenant_id = ? AND owner_id = ?")
        .params(companyId, memberId)
        .update();
  }
}
