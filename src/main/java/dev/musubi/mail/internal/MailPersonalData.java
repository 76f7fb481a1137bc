package dev.musubi.mail.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.mail.Mailboxes;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.privacy.ExportSink;
import dev.musubi.platform.privacy.HeldScope;
import dev.musubi.platform.privacy.PersonalDataEraser;
import dev.musubi.platform.privacy.PersonalDataSource;
import dev.musubi.platform.privacy.RetentionTarget;
import dev.musubi.platform.privacy.SqlLists;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Mail's part of privacy: a member's mailbox as one mbox file per folder in the export (mboxrd:
 * {@code From } lines inside messages are quoted), the company's mail retention (messages received
 * before the cutoff, except held members'), and erasure of a purged member's mail, folders,
 * settings, rules, aliases, uploads and queued messages.
 */
@Component
class MailPersonalData implements PersonalDataSource, RetentionTarget, PersonalDataEraser {

  private static final int BATCH = 500;
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final JdbcClient jdbc;
  private final Mailboxes mailboxes;
  private final BlobStore blobs;
  private final BlobReferences references;
  private final TransactionTemplate tx;

  MailPersonalData(
      JdbcClient jdbc,
      Mailboxes mailboxes,
      BlobStore blobs,
      BlobReferences references,
      TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.mailboxes = mailboxes;
    this.blobs = blobs;
    this.references = references;
    this.tx = tx;
  }

  @Override
  public String name() {
    return "mail";
  }

  @Override
  public String service() {
    return "mail";
  }

  private record Folder(UUID id, String name) {}

  private record Stored(UUID id, String blob, String sender, Instant receivedAt) {}

  @Override
  public void export(UUID companyId, UUID memberId, ExportSink sink) throws IOException {
    List<Folder> folders =
        jdbc.sql(
                "SELECT id, name FROM mail_folder WHERE tenant_id = ? AND member_id = ? ORDER BY"
                    + " name")
            .params(companyId, memberId)
            .query((rs, i) -> new Folder(rs.getObject("id", UUID.class), rs.getString("name")))
            .list();
    for (Folder f : folders) {
      Path mbox = Files.createTempFile("musubi-mbox-", ".mbox");
      try {
        int count = 0;
        try (OutputStream out = Files.newOutputStream(mbox)) {
          Instant after = Instant.EPOCH;
          UUID afterId = new UUID(0, 0);
          while (true) {
            List<Stored> batch =
                jdbc.sql(
                        "SELECT id, blob_sha256, from_address, received_at FROM mail_message"
                            + " WHERE tenant_id = ? AND member_id = ? AND folder_id = ? AND"
                            + " (received_at > ? OR (received_at = ? AND id > ?))"
                            + " ORDER BY received_at, id LIMIT ?")
                    .params(companyId, memberId, f.id(), ts(after), ts(after), afterId, BATCH)
                    .query(
                        (rs, i) ->
                            new Stored(
                                rs.getObject("id", UUID.class),
                                rs.getString("blob_sha256"),
                                String.valueOf(rs.getString("from_address")),
                                Jdbc.requiredInstant(rs, "received_at")))
                    .list();
            for (Stored m : batch) {
              writeMboxEntry(companyId, m, out);
              count++;
            }
            if (batch.size() < BATCH) {
              break;
            }
            after = batch.getLast().receivedAt();
            afterId = batch.getLast().id();
          }
        }
        if (count > 0) {
          try (InputStream in = Files.newInputStream(mbox)) {
            sink.write("mail/" + safe(f.name()) + ".mbox", in);
          }
        }
      } finally {
        Files.deleteIfExists(mbox);
      }
    }
  }

  /** One mboxrd entry: the {@code From } separator, the message with {@code >From } quoting. */
  private void writeMboxEntry(UUID companyId, Stored m, OutputStream out) throws IOException {
    String sender =
        m.sender().isBlank() || m.sender().equals("null") ? "MAILER-DAEMON" : m.sender();
    out.write(
        ("From " + sender.replaceAll("\\s", "") + " " + ASCTIME.format(m.receivedAt()) + "\n")
            .getBytes(StandardCharsets.US_ASCII));
    try (InputStream raw = blobs.open(companyId, m.blob())) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = raw.read()) >= 0) {
        if (b == '\n') {
          writeLine(line.toByteArray(), out);
          line.reset();
        } else if (b != '\r') {
          line.write(b);
        }
      }
      if (line.size() > 0) {
        writeLine(line.toByteArray(), out);
      }
    }
    out.write('\n');
  }

  private static void writeLine(byte[] line, OutputStream out) throws IOException {
    int i = 0;
    while (i < line.length && line[i] == '>') {
      i++;
    }
    if (line.length - i >= 5
        && line[i] == 'F'
        && line[i + 1] == 'r'
        && line[i + 2] == 'o'
        && line[i + 3] == 'm'
        && line[i + 4] == ' ') {
      out.write('>');
    }
    out.write(line);
    out.write('\n');
  }

  private static String safe(String folder) {
    String s = folder.replaceAll("[\\\\/:*?\"<>|\\p{Cntrl}]", "_").strip();
    return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
  }

  @Override
  public int purgeOlderThan(UUID companyId, Instant cutoff, HeldScope held) {
    int total = 0;
    while (true) {
      List<Object> params = new ArrayList<>();
      params.add(companyId);
      params.add(ts(cutoff));
      params.addAll(held.members());
      params.add(BATCH);
      List<UUID> ids =
          jdbc.sql(
                  "SELECT id FROM mail_message WHERE tenant_id = ? AND received_at < ?"
                      + SqlLists.notIn("member_id", held.members())
                      + " ORDER BY received_at LIMIT ?")
              .params(params)
              .query(UUID.class)
              .list();
      for (UUID id : ids) {
        mailboxes.purgeStored(companyId, id);
      }
      total += ids.size();
      if (ids.size() < BATCH) {
        return total;
      }
    }
  }

  @Override
  public int erase(UUID companyId, UUID memberId, HeldScope held) {
    if (held.memberHeld(memberId)) {
      return 0;
    }
    int erased = 0;
    while (true) {
      List<UUID> ids =
          jdbc.sql("SELECT id FROM mail_message WHERE tenant_id = ? AND member_id = ? LIMIT ?")
              .params(companyId, memberId, BATCH)
              .query(UUID.class)
              .list();
      for (UUID id : ids) {
        mailboxes.purgeStored(companyId, id);
      }
      erased += ids.size();
      if (ids.size() < BATCH) {
        break;
      }
    }
    tx.executeWithoutResult(
        s -> {
          for (String table : List.of("mail_upload", "mail_outbound")) {
            String owner = table.equals("mail_upload") ? "mail.upload:" : "mail.outbound:";
            jdbc.sql(
                    "SELECT id, blob_sha256 FROM "
                        + table
                        + " WHERE tenant_id = ? AND member_id = ?")
                .params(companyId, memberId)
                .query(
                    (rs, i) -> {
                      references.remove(
                          companyId, rs.getString("blob_sha256"), owner + rs.getObject("id"));
                      return null;
                    })
                .list();
            jdbc.sql("DELETE FROM " + table + " WHERE tenant_id = ? AND member_id = ?")
                .params(companyId, memberId)
                .update();
          }
          jdbc.sql("DELETE FROM mail_send_key WHERE member_id = ?").param(memberId).update();
          for (String table : List.of("mail_rule", "mail_alias", "mail_folder", "mail_settings")) {
            jdbc.sql("DELETE FROM " + table + " WHERE tenant_id = ? AND member_id = ?")
                .params(companyId, memberId)
                .update();
          }
        });
    return erased;
  }
}
