package dev.musubi.calendar.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.calendar.internal.ImipStore.Outgoing;
import dev.musubi.calendar.internal.InvitationMail.InvitationQueued;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The invitation listener retried after a crash mails only the attendees the crashed run did not
 * reach: each hand-off to the mail module commits with the record that it happened.
 */
@MusubiIntegrationTest
class InvitationMailRetryIntegrationTests {

  @LocalServerPort int port;
  @Autowired InvitationMail invitations;
  @Autowired ImipStore imip;
  @Autowired JdbcClient jdbc;

  @Test
  void aRunRetriedAfterACrashMailsEveryAttendeeExactlyOnce() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember organizer = fixtures.member(company, "aoki");
    List<String> attendees =
        List.of("kato@partner.example", "kimura@partner.example", "kondo@other.example");
    String title = "定例会議 " + UUID.randomUUID();
    Outgoing outgoing =
        new Outgoing(
            UUID.randomUUID(),
            company.id(),
            organizer.id(),
            "REQUEST",
            attendees,
            "招待: " + title + " / Invitation: " + title,
            "招待です",
            "An invitation",
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n"
                + "BEGIN:VEVENT\r\nUID:retry-test\r\nSEQUENCE:0\r\nDTSTAMP:20261206T220000Z\r\n"
                + "DTSTART:20261210T010000Z\r\nDTEND:20261210T020000Z\r\nSUMMARY:"
                + title
                + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    imip.enqueue(outgoing, Instant.now());
    InvitationMail.Sender sender = invitations.sender(company.id(), organizer.id());
    assertThat(sender).isNotNull();

    // The first run handed the mails of two attendees to the mail module, then the process died
    // before it reached the third one and before it deleted the outbox row.
    assertThat(invitations.handOff(outgoing, sender, attendees.get(0))).isTrue();
    assertThat(invitations.handOff(outgoing, sender, attendees.get(1))).isTrue();
    assertThat(mailsTo(company.id(), title))
        .containsExactlyInAnyOrder(attendees.get(0), attendees.get(1));

    // Handing off again to an attendee already mailed hands nothing.
    assertThat(invitations.handOff(outgoing, sender, attendees.get(0))).isFalse();

    // The event publication is retried (the listener runs on its own thread): only the third
    // attendee is mailed now, and the outbox row goes.
    invitations.on(new InvitationQueued(company.id(), outgoing.id()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> imip.outgoing(company.id(), outgoing.id()).isEmpty());
    assertThat(mailsTo(company.id(), title)).containsExactlyInAnyOrderElementsOf(attendees);
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM cal_imip_sent WHERE tenant_id = ? AND outbox_id = ?")
                .params(company.id(), outgoing.id())
                .query(Long.class)
                .single())
        .isZero();
  }

  /**
   * The recipients of the outgoing mails the company's mail log holds with this title, one each.
   */
  private List<String> mailsTo(UUID tenantId, String title) {
    return jdbc.sql(
            "SELECT recipients FROM mail_log WHERE tenant_id = ? AND direction = 'out'"
                + " AND subject LIKE ?")
        .params(tenantId, "%" + title + "%")
        .query(String.class)
        .list();
  }
}
