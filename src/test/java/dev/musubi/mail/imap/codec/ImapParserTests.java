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
}
