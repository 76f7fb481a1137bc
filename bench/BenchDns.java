import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny authoritative DNS server on a loopback UDP port for bench/smtp.sh, so that the SMTP
 * server's SPF, DKIM and DMARC checks get real answers (as they would from a resolver) instead of
 * timeouts: the sender domain publishes SPF for 127.0.0.1 and a DMARC policy; every other name is
 * NXDOMAIN with an SOA whose minimum lets the resolver cache the negative answer (RFC 2308). TTLs
 * are 300 s. JDK only:
 *
 * <pre>
 * java bench/BenchDns.java PORT
 * </pre>
 */
public class BenchDns {

  private static final int TTL = 300;
  private static final Map<String, String> TXT =
      Map.of(
          "sender.bench.example", "v=spf1 ip4:127.0.0.1 -all",
          "_dmarc.sender.bench.example", "v=DMARC1; p=none");

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    try (var socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
      System.out.println("bench DNS on 127.0.0.1:" + port);
      byte[] buffer = new byte[512];
      while (true) {
        var packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        byte[] reply = answer(buffer, packet.getLength());
        if (reply != null) {
          socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
        }
      }
    }
  }

  /** The response to one query, or null when it is not a query with one question. */
  static byte[] answer(byte[] q, int length) {
    if (length < 12 || (q[2] & 0x80) != 0 || q[4] != 0 || q[5] != 1) {
      return null;
    }
    int p = 12;
    List<String> labels = new ArrayList<>();
    while (p < length && q[p] != 0) {
      int n = q[p] & 0xff;
      if (n > 63 || p + 1 + n > length) {
        return null;
      }
      labels.add(new String(q, p + 1, n, StandardCharsets.US_ASCII));
      p += 1 + n;
    }
    p++;
    if (p + 4 > length) {
      return null;
    }
    int type = ((q[p] & 0xff) << 8) | (q[p + 1] & 0xff);
    int questionEnd = p + 4;
    String name = String.join(".", labels).toLowerCase(Locale.ROOT);
    String txt = type == 16 ? TXT.get(name) : null;
    boolean exists = TXT.containsKey(name);
    var out = new ByteArrayOutputStream();
    out.write(q[0]);
    out.write(q[1]);
    // QR, opcode 0, AA, RD as asked; RA; RCODE 0 or 3 (NXDOMAIN)
    out.write(0x84 | (q[2] & 0x01));
    out.write(0x80 | (exists ? 0 : 3));
    out.writeBytes(new byte[] {0, 1, 0, (byte) (txt != null ? 1 : 0), 0, (byte) (txt != null ? 0 : 1), 0, 0});
    out.write(q, 12, questionEnd - 12);
    if (txt != null) {
      byte[] text = txt.getBytes(StandardCharsets.US_ASCII);
      out.writeBytes(new byte[] {(byte) 0xc0, 12, 0, 16, 0, 1});
      int32(out, TTL);
      out.write(0);
      out.write(text.length + 1);
      out.write(text.length);
      out.writeBytes(text);
    } else {
      // SOA in the authority section, owned by the name asked for: mname and rname the root
      out.writeBytes(new byte[] {(byte) 0xc0, 12, 0, 6, 0, 1});
      int32(out, TTL);
      out.write(0);
      out.write(22);
      out.write(0);
      out.write(0);
      int32(out, 1);
      int32(out, 3600);
      int32(out, 600);
      int32(out, 86400);
      int32(out, TTL);
    }
    return out.toByteArray();
  }

  private static void int32(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}
