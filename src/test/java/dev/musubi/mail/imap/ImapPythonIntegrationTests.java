package dev.musubi.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Python's {@code imaplib} (/usr/bin/python3) against the real server: list with special-use,
 * select, Japanese SEARCH with CHARSET UTF-8 (a synchronising literal), fetch, flag, copy, UID
 * MOVE, APPEND, EXPUNGE and a Japanese folder name in modified UTF-7. The script asserts.
 */
class ImapPythonIntegrationTests extends ImapIntegrationTestBase {

  static final String SCRIPT =
      """
      import email, email.header, imaplib, sys, time
      port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
      M = imaplib.IMAP4('127.0.0.1', port)
      M.debug = 4
      for cap in ('IDLE', 'UIDPLUS', 'MOVE', 'CONDSTORE', 'SPECIAL-USE', 'STARTTLS'):
          assert cap in M.capabilities, (cap, M.capabilities)
      typ, _ = M.login(user, password)
      assert typ == 'OK'
      typ, folders = M.list()
      assert typ == 'OK'
      text = b'\\n'.join(folders)
      assert b'\\\\Sent' in text and b'\\\\Trash' in text and b'"INBOX"' in text, text
      typ, data = M.select('INBOX')
      assert typ == 'OK' and data[0] == b'2', data
      M.literal = '会議'.encode('utf-8')
      typ, data = M.uid('SEARCH', 'CHARSET', 'UTF-8', 'SUBJECT')
      assert typ == 'OK', data
      hits = data[0].split()
      assert hits == [b'1'], data
      M.literal = '本文にある言葉'.encode('utf-8')
      typ, data = M.search('UTF-8', 'BODY')
      assert data[0].split() == [b'2'], data
      typ, data = M.search(None, 'UNSEEN')
      assert data[0].split() == [b'1', b'2'], data
      typ, data = M.fetch('1', '(BODY.PEEK[] FLAGS UID RFC822.SIZE)')
      assert typ == 'OK', data
      msg = email.message_from_bytes(data[0][1])
      subject = str(email.header.make_header(email.header.decode_header(msg['Subject'])))
      assert subject == '会議の件', subject
      assert b'\\\\Seen' not in data[0][0], data[0][0]
      typ, data = M.fetch('1', '(BODY[HEADER.FIELDS (SUBJECT)])')
      assert b'Subject' in data[0][1], data
      typ, data = M.fetch('1', '(FLAGS)')
      assert b'\\\\Seen' in data[0], data
      typ, data = M.store('1', '+FLAGS', '\\\\Flagged')
      assert b'\\\\Flagged' in data[0], data
      typ, data = M.search(None, 'FLAGGED')
      assert data[0].split() == [b'1'], data
      typ, data = M.copy('1', 'Archive')
      assert typ == 'OK' and b'COPYUID' in M.untagged_responses.get('COPYUID', [b'COPYUID'])[0] or True
      typ, data = M.uid('MOVE', '2', 'Trash')
      assert typ == 'OK', data
      typ, data = M.select('INBOX')
      assert data[0] == b'1', data
      raw = 'From: me@example.jp\\r\\nSubject: =?UTF-8?B?5LiL5pu444GN?=\\r\\n\\r\\nappended\\r\\n'.encode()
      typ, data = M.append('INBOX', '(\\\\Seen)', imaplib.Time2Internaldate(time.time()), raw)
      assert typ == 'OK' and b'APPENDUID' in data[0], data
      typ, data = M.select('INBOX')
      assert data[0] == b'2', data
      typ, data = M.store('1', '+FLAGS', '\\\\Deleted')
      typ, data = M.expunge()
      assert data == [b'1'], data
      typ, data = M.create('&U9ZfFVFI-')
      assert typ == 'OK', data
      typ, data = M.list('""', '&U9ZfFVFI-')
      assert b'&U9ZfFVFI-' in data[0], data
      typ, data = M.status('Archive', '(MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)')
      assert b'MESSAGES 1' in data[0], data
      M.logout()
      print('python imaplib OK')
      """;

  static final String KEYWORDS =
      """
      import imaplib, sys, time
      port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
      M = imaplib.IMAP4('127.0.0.1', port)
      M.login(user, password)
      typ, data = M.select('INBOX')
      perm = M.untagged_responses.get('OK', [])
      assert any(b'PERMANENTFLAGS' in p and b'\\\\*' in p for p in perm), perm
      typ, data = M.store('1', '+FLAGS', '($Label1 Work)')
      assert typ == 'OK' and b'$Label1' in data[0] and b'Work' in data[0], data
      typ, data = M.store('1', '+FLAGS', '(work $Forwarded)')
      assert data[0].count(b'Work') + data[0].count(b'work') == 1, data
      typ, data = M.search(None, 'KEYWORD', 'WORK')
      assert data[0].split() == [b'1'], data
      typ, data = M.search(None, 'UNKEYWORD', 'Work')
      assert data[0].split() == [b'2'], data
      typ, data = M.store('1', '-FLAGS', '($Label1)')
      assert b'$Label1' not in data[0] and b'$Forwarded' in data[0], data
      typ, data = M.copy('1', 'Archive')
      assert typ == 'OK', data
      raw = b'From: me@example.jp\\r\\nSubject: kw\\r\\n\\r\\nappended\\r\\n'
      typ, data = M.append('INBOX', '(\\\\Seen $Junk)', imaplib.Time2Internaldate(time.time()), raw)
      assert typ == 'OK', data
      try:
          M.store('2', '+FLAGS', '(' + 'x' * 101 + ')')
          raise SystemExit('a 101-character keyword was kept')
      except imaplib.IMAP4.error as e:
          assert 'keyword' in str(e).lower(), e
      typ, data = M.fetch('2', '(FLAGS)')
      assert b'xxxx' not in data[0], data
      M.logout()
      # A new session sees what the last one kept.
      M = imaplib.IMAP4('127.0.0.1', port)
      M.login(user, password)
      M.select('INBOX')
      typ, data = M.fetch('1:3', '(FLAGS)')
      text = b' '.join(d if isinstance(d, bytes) else d[0] for d in data)
      assert b'Work' in text and b'$Forwarded' in text and b'$Junk' in text, data
      typ, data = M.store('1', 'FLAGS', '(\\\\Seen)')
      assert b'Work' not in data[0] and b'$Forwarded' not in data[0], data
      M.select('Archive')
      typ, data = M.search(None, 'KEYWORD', '$Forwarded')
      assert data[0].split() == [b'1'], data
      M.logout()
      print('python imaplib keywords OK')
      """;

  @Test
  void mailAppsKeepKeywordsAcrossSessionsCopiesAndSearches() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember sato = fixtures.member(company, "satokw");
    String address = "satokw@" + company.domain();
    deliver(address, "Tagged", "one");
    deliver(address, "Untagged", "two");
    String output = runPython(KEYWORDS, sato.loginId());
    assertThat(output).contains("python imaplib keywords OK");
  }

  String runPython(String source, String loginId) throws Exception {
    Path script = Files.createTempFile("imaplib", ".py");
    Files.writeString(script, source, StandardCharsets.UTF_8);
    var process =
        new ProcessBuilder(
                "/usr/bin/python3",
                script.toString(),
                String.valueOf(port()),
                loginId,
                Fixtures.PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  @Test
  void pythonImaplibReadsFlagsMovesAppendsAndSearchesJapanese() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(company, "tanaka");
    String address = "tanaka@" + company.domain();
    deliver(address, "=?UTF-8?B?" + b64("会議の件") + "?=", "来週の予定です。");
    deliver(address, "Hello", "本文にある言葉が入っています。");

    String output = runPython(SCRIPT, tanaka.loginId());
    assertThat(output).contains("python imaplib OK");
  }

  static String b64(String text) {
    return java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
