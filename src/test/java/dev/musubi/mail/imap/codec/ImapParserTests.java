package dev.musubi.mail.imap.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapParserTests {

  static ImapCommand parse(String text) throws ImapProtocolException {
    return ImapParser.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsACommandThroughTheInput() throws Exception {
    var input =
        new ImapInput(
            new java.io.ByteArrayInputStream(
                "KAHB2 LIST \"\" *\r\n".getBytes(StandardCharsets.US_ASCII)));
    byte[] raw =
        input.readCommand(
            1000,
            10000,
            new ImapInput.Literals() {
              @Override
              public long maxLiteral(byte[] soFar) {
                return 100;
              }

              @Override
              public void goAhead() {}
            });
    assertThat(ImapParser.parse(raw).text(1)).isEqualTo("*");
  }

  @Test
  void parsesListWithQuotedEmptyReferenceAndWildcard() throws Exception {
    ImapCommand c = parse("A1 LIST \"\" *");
    assertThat(c.name()).isEqualTo("LIST");
    assertThat(c.text(0)).isEmpty();
    assertThat(c.text(1)).isEqualTo("*");
    assertThat(parse("A1 LIST \"\" \"%\"").text(1)).isEqualTo("%");
  }

  @Test
  void parsesUidCommandsSectionsAndPartials() throws Exception {
    ImapCommand c = parse("a UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (From To)]<0.100>)");
    assertThat(c.name()).isEqualTo("UID FETCH");
    List<FetchItem> items = FetchItem.parse(c.args().get(1));
    assertThat(items).hasSize(2);
    var body = (FetchItem.Body) items.get(1);
    assertThat(body.peek()).isTrue();
    assertThat(body.fields()).containsExactly("FROM", "TO");
    assertThat(body.origin()).isZero();
    assertThat(body.octets()).isEqualTo(100);
    assertThat(body.label()).isEqualTo("BODY[HEADER.FIELDS (FROM TO)]<0>");
    var part =
        (FetchItem.Body) FetchItem.parse(parse("a FETCH 1 BODY[1.2.MIME]").args().get(1)).get(0);
    assertThat(part.part()).containsExactly(1, 2);
    assertThat(part.kind()).isEqualTo("MIME");
    assertThat(
            FetchItem.headerOnly(
                FetchItem.parse(parse("a FETCH 1 (FLAGS ENVELOPE)").args().get(1))))
        .isTrue();
    assertThat(
            FetchItem.headerOnly(FetchItem.parse(parse("a FETCH 1 (ENVELOPE BODY)").args().get(1))))
        .isFalse();
    assertThat(
            FetchItem.headerOnly(FetchItem.parse(parse("a FETCH 1 BODY[1.HEADER]").args().get(1))))
        .isFalse();
  }

  @Test
  void literalsAreReadAsStrings() throws Exception {
    ImapCommand c = parse("a LOGIN {5}\r\ntanak {3}\r\npw!");
    assertThat(c.text(0)).isEqualTo("tanak");
    assertThat(c.text(1)).isEqualTo("pw!");
  }

  @Test
  void searchWithJapaneseLiteralAndNesting() throws Exception {
    byte[] word = "会議".getBytes(StandardCharsets.UTF_8);
    ImapCommand c =
        parse("a UID SEARCH CHARSET UTF-8 OR (SUBJECT {" + word.length + "}\r\n会議 UNSEEN) NOT 1:3");
    SearchKey key = SearchKey.parse(c.args());
    assertThat(key).isInstanceOf(SearchKey.Or.class);
    assertThatThrownBy(() -> SearchKey.parse(parse("a SEARCH CHARSET KOI8-R ALL").args()))
        .hasMessageContaining("BADCHARSET");
  }

  @Test
  void badInputIsRefusedWithAReason() {
    assertThatThrownBy(() -> parse("")).isInstanceOf(ImapProtocolException.class);
    assertThatThrownBy(() -> parse("a")).isInstanceOf(ImapProtocolException.class);
    assertThatThrownBy(() -> parse("a LIST \"unterminated"))
        .isInstanceOf(ImapProtocolException.class);
    assertThatThrownBy(() -> parse("a FETCH 1 (" + "(".repeat(40) + ")".repeat(41)))
        .hasMessageContaining("nested");
    assertThatThrownBy(() -> parse("a LOGIN {99}\r\nshort")).hasMessageContaining("literal");
    assertThatThrownBy(() -> SequenceSet.parse("0")).isInstanceOf(ImapProtocolException.class);
    assertThatThrownBy(() -> SequenceSet.parse("1:99999999999"))
        .isInstanceOf(ImapProtocolException.class);
  }

  @Test
  void sequenceSetsSelectByUidAndBySequenceNumber() throws Exception {
    long[] uids = {3, 5, 9, 10};
    assertThat(SequenceSet.parse("1:*").select(uids, false)).containsExactly(0, 1, 2, 3);
    assertThat(SequenceSet.parse("4:9").select(uids, true)).containsExactly(1, 2);
    assertThat(SequenceSet.parse("20:*").select(uids, true)).containsExactly(3);
    assertThat(SequenceSet.parse("2,4").select(uids, false)).containsExactly(1, 3);
    assertThat(SequenceSet.parse("1:*").within(0)).isTrue();
    assertThat(SequenceSet.parse("1:*").select(new long[0], false)).isEmpty();
    assertThat(SequenceSet.parse("9:*").within(4)).isTrue();
    assertThat(SequenceSet.parse("9:*").select(uids, false)).containsExactly(3);
    assertThat(SequenceSet.parse("5").within(4)).isFalse();
  }

  @Test
  void modifiedUtf7RoundTripsJapaneseNames() throws Exception {
    assertThat(ModifiedUtf7.encode("取引先")).isEqualTo("&U9ZfFVFI-");
    assertThat(ModifiedUtf7.decode("&U9ZfFVFI-")).isEqualTo("取引先");
    assertThat(ModifiedUtf7.encode("A&B")).isEqualTo("A&-B");
    assertThat(ModifiedUtf7.decode("A&-B")).isEqualTo("A&B");
    assertThatThrownBy(() -> ModifiedUtf7.decode("&U9Z")).isInstanceOf(ImapProtocolException.class);
  }

  @Test
  void sequenceSetsAreWrittenCompactlyAndDollarIsTheSavedResult() throws Exception {
    assertThat(SequenceSet.format(new long[] {1, 2, 3, 5, 7, 8})).isEqualTo("1:3,5,7:8");
    assertThat(SequenceSet.format(new long[0])).isEmpty();
    assertThat(SequenceSet.isSaved("$")).isTrue();
    assertThat(SearchKey.parse(parse("a SEARCH NOT $").args()))
        .isEqualTo(new SearchKey.Not(new SearchKey.Saved()));
    assertThatThrownBy(() -> SequenceSet.parse("$")).isInstanceOf(ImapProtocolException.class);
    assertThatThrownBy(() -> SequenceSet.parse("1,$")).isInstanceOf(ImapProtocolException.class);
  }

  @Test
  void binaryItemsTakePartNumbersOnlyAndLiteral8HoldsAnyOctet() throws Exception {
    List<FetchItem> items =
        FetchItem.parse(
            parse("a FETCH 1 (BINARY[1.2]<0.10> BINARY.PEEK[] BINARY.SIZE[3])").args().get(1));
    assertThat(items.get(0)).isInstanceOf(FetchItem.Binary.class);
    var first = (FetchItem.Binary) items.get(0);
    assertThat(first.part()).containsExactly(1, 2);
    assertThat(first.label()).isEqualTo("BINARY[1.2]<0>");
    assertThat(first.peek()).isFalse();
    assertThat(((FetchItem.Binary) items.get(1)).peek()).isTrue();
    assertThat(((FetchItem.BinarySize) items.get(2)).label()).isEqualTo("BINARY.SIZE[3]");
    assertThat(FetchItem.setsSeen(List.of(first))).isTrue();
    assertThatThrownBy(() -> FetchItem.parse(parse("a FETCH 1 BINARY[1.TEXT]").args().get(1)))
        .hasMessageContaining("part numbers only");
    assertThatThrownBy(() -> FetchItem.parse(parse("a FETCH 1 BINARY.SIZE[1]<0.5>").args().get(1)))
        .hasMessageContaining("partial");
    ImapCommand append = parse("a APPEND INBOX ~{3}\r\nA\0B");
    assertThat(((ImapToken.Str) append.args().get(1)).value()).containsExactly('A', 0, 'B');
  }

  @Test
  void binaryUndoesTransferEncodingsAndRefusesUnknownOnes() throws Exception {
    byte[] message =
        ("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n--b\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b\r\n"
                + "Content-Transfer-Encoding: x-gzip\r\n\r\nzz\r\n--b--\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    MimeStructure mime = MimeStructure.of(message);
    assertThat(new String(mime.decoded(new int[] {1}), StandardCharsets.UTF_8)).isEqualTo("café");
    assertThat(mime.decoded(new int[] {2})).containsExactly(0, 1, 2);
    assertThat(mime.decoded(new int[] {4})).isNull();
    assertThat(mime.decoded(new int[0])).isEqualTo(message);
    assertThatThrownBy(() -> mime.decoded(new int[] {3})).hasMessageContaining("UNKNOWN-CTE");
  }
}
