package dev.musubi.platform.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IpCountryTableTests {

  static IpCountryTable read(String csv) throws IOException {
    return IpCountryTable.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void looksUpIpv4AndIpv6RangesAndAnswersNullOutsideThem() throws IOException {
    IpCountryTable t =
        read(
            """
            start_ip,end_ip,country_code
            1.0.0.0,1.0.0.255,AU
            1.0.1.0,1.0.3.255,CN
            203.0.113.0,203.0.113.255,jp
            2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,DE
            2400:4000::,2400:4fff:ffff:ffff:ffff:ffff:ffff:ffff,JP
            """);
    assertThat(t.report().rows()).isEqualTo(5);
    assertThat(t.report().skipped()).as("the header is not a bad row").isZero();
    assertThat(t.lookup("1.0.0.0")).isEqualTo("AU");
    assertThat(t.lookup("1.0.0.255")).isEqualTo("AU");
    assertThat(t.lookup("1.0.2.17")).isEqualTo("CN");
    assertThat(t.lookup("1.0.4.0")).as("just past a range").isNull();
    assertThat(t.lookup("0.255.255.255")).as("before every range").isNull();
    assertThat(t.lookup("203.0.113.77")).as("lower case code").isEqualTo("JP");
    assertThat(t.lookup("255.255.255.255")).isNull();
    assertThat(t.lookup("2001:db8::1")).isEqualTo("DE");
    assertThat(t.lookup("2001:0db8:1234:5678:9abc:def0:1234:5678")).isEqualTo("DE");
    assertThat(t.lookup("[2400:4123::9]")).isEqualTo("JP");
    assertThat(t.lookup("2001:db9::")).isNull();
    assertThat(t.lookup("fe80::1%eth0")).isNull();
    assertThat(t.lookup("::ffff:203.0.113.9")).as("IPv4-mapped").isEqualTo("JP");
    assertThat(t.lookup("not-an-ip")).isNull();
    assertThat(t.lookup("1.2.3")).isNull();
    assertThat(t.lookup(null)).isNull();
  }

  @Test
  void badRowsAreSkippedAndCounted() throws IOException {
    IpCountryTable t =
        read(
            """
            10.0.0.0,10.0.0.255,US
            10.0.1.0,10.0.1.255
            10.0.2.0,10.0.2.255,USA
            10.0.3.0,10.0.2.0,US
            10.0.4.0,2001:db8::,US
            300.0.0.0,300.0.0.1,US
            10.0.5.0,10.0.5.255,1X

            "10.0.6.0","10.0.6.255","FR"
            10.0.7.0 , 10.0.7.255 , IT ,Italy
            10.0.8.0,10.0.8.255,ZZ
            1:2:3:4:5:6:7:8:9,1:2:3:4:5:6:7:9:0,US
            """);
    assertThat(t.report().rows()).isEqualTo(4);
    assertThat(t.report().skipped()).isEqualTo(7);
    assertThat(t.lookup("10.0.0.1")).isEqualTo("US");
    assertThat(t.lookup("10.0.1.1")).isNull();
    assertThat(t.lookup("10.0.6.1")).as("quoted fields").isEqualTo("FR");
    assertThat(t.lookup("10.0.7.1")).as("spaces and more columns").isEqualTo("IT");
    assertThat(t.lookup("10.0.8.1")).as("ZZ is unknown").isNull();
  }

  @Test
  void overlappingRangesLetTheNarrowerOrLaterOneDecide() throws IOException {
    IpCountryTable t =
        read(
            """
            192.0.2.0,192.0.2.255,JP
            192.0.2.64,192.0.2.127,KR
            198.51.100.0,198.51.100.127,FR
            198.51.100.100,198.51.100.200,DE
            2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,GB
            2001:db8:0:10::,2001:db8:0:10:ffff:ffff:ffff:ffff,IE
            """);
    assertThat(t.report().overlapping()).isEqualTo(3);
    assertThat(t.lookup("192.0.2.63")).isEqualTo("JP");
    assertThat(t.lookup("192.0.2.64")).isEqualTo("KR");
    assertThat(t.lookup("192.0.2.127")).isEqualTo("KR");
    assertThat(t.lookup("192.0.2.128")).as("back to the enclosing range").isEqualTo("JP");
    assertThat(t.lookup("192.0.3.0")).isNull();
    assertThat(t.lookup("198.51.100.99")).isEqualTo("FR");
    assertThat(t.lookup("198.51.100.110")).as("the later start wins").isEqualTo("DE");
    assertThat(t.lookup("198.51.100.200")).isEqualTo("DE");
    assertThat(t.lookup("198.51.100.201")).isNull();
    assertThat(t.lookup("2001:db8:0:f::1")).isEqualTo("GB");
    assertThat(t.lookup("2001:db8:0:10::1")).isEqualTo("IE");
    assertThat(t.lookup("2001:db8:0:11::")).isEqualTo("GB");
    assertThat(t.lookup("2001:db8:1::")).isNull();
  }

  @Test
  void rowsInAnyOrderAndRangesToTheLastAddressWork() throws IOException {
    IpCountryTable t =
        read(
            """
            240.0.0.0,255.255.255.255,AQ
            0.0.0.0,0.255.255.255,BR
            8000::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,CA
            ::,::ffff,CL
            100.0.0.0,100.0.0.255,US
            100.0.1.0,100.0.1.255,US
            """);
    assertThat(t.lookup("255.255.255.255")).isEqualTo("AQ");
    assertThat(t.lookup("0.0.0.0")).isEqualTo("BR");
    assertThat(t.lookup("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).isEqualTo("CA");
    assertThat(t.lookup("::1")).isEqualTo("CL");
    assertThat(t.lookup("100.0.1.9")).isEqualTo("US");
    assertThat(t.lookup("7fff::")).isNull();
    assertThat(t.report().boundaries())
        .as("neighbouring ranges of one country share their boundary")
        .isEqualTo(2 + 1 + 2 + 2 + 1);
  }

  @Test
  void readsGzip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write("1.0.0.0,1.0.0.255,AU\n".getBytes(StandardCharsets.US_ASCII));
    }
    IpCountryTable t = IpCountryTable.read(new ByteArrayInputStream(bytes.toByteArray()));
    assertThat(t.lookup("1.0.0.9")).isEqualTo("AU");
  }
}
