package dev.musubi.contacts.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.contacts.Contact;
import dev.musubi.contacts.ContactInput;
import dev.musubi.mail.MailAddress;
import dev.musubi.mail.MailSent;
import dev.musubi.platform.Ids;
import dev.musubi.platform.web.ProblemException.FieldError;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * Contacts collected from mail: when a member who turned it on (and whose company allows it) sends
 * mail, each outside recipient not yet in their personal book or the shared book becomes a personal
 * contact tagged {@value #TAG}, named by the display name the message gave (else the address). Runs
 * after the sending commit, from the event publication registry, so a crash in between is retried
 * rather than lost.
 */
@Component
public class MailCorrespondents {

  /** The tag collected contacts carry. */
  public static final String TAG = "collected";

  private final ContactStore store;
  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;

  MailCorrespondents(ContactStore store, JdbcClient jdbc, AuditTrail audit, Ids ids, Clock clock) {
    this.store = store;
    this.jdbc = jdbc;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  @ApplicationModuleListener
  void on(MailSent sent) {
    collect(sent.tenantId(), sent.memberId(), sent.outside());
  }

  /** Adds the new correspondents; returns how many contacts were created. */
  int collect(UUID tenant, UUID member, List<MailAddress> recipients) {
    // Locking the member's setting row serialises two sends at once, so neither duplicates the
    // other's new contact.
    boolean on =
        jdbc.sql(
                "SELECT collect_from_mail FROM contact_member_setting"
                    + " WHERE tenant_id = ? AND member_id = ? FOR UPDATE")
            .params(tenant, member)
            .query(Boolean.class)
            .optional()
            .orElse(false);
    boolean allowed =
        jdbc.sql("SELECT members_collect_mail FROM contact_setting WHERE tenant_id = ?")
            .param(tenant)
            .query(Boolean.class)
            .optional()
            .orElse(true);
    if (!on || !allowed) {
      return 0;
    }
    Instant now = clock.instant();
    Set<String> done = new LinkedHashSet<>();
    int created = 0;
    for (MailAddress r : recipients) {
      String address = r.address().strip();
      if (!done.add(address.toLowerCase(Locale.ROOT)) || store.seenEmail(tenant, member, address)) {
        continue;
      }
      List<FieldError> errors = new ArrayList<>();
      String name = r.name() == null ? "" : r.name().strip();
      ContactDraft draft =
          ContactRules.check(
              new ContactInput(
                  name.length() > 200 ? name.substring(0, 200) : name,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  List.of(new Contact.Email("work", address)),
                  null,
                  null,
                  null,
                  List.of(TAG),
                  null),
              ids.next().toString(),
              null,
              errors);
      if (!errors.isEmpty()) {
        continue; // an address the book would not accept (the mail server did): not collected
      }
      store.insert(tenant, ids.next(), member, draft, member, now);
      created++;
    }
    if (created > 0) {
      audit.record(
          AuditRecord.of(tenant, AuditAction.CONTACTS_COLLECTED)
              .actor(null, "system")
              .target("member", member)
              .with("book", "personal")
              .with("count", Integer.toString(created)));
    }
    return created;
  }
}
