package dev.musubi.messaging.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Decides whether Musubi may call a bot's callback URL: http or https only, no user info, and a
 * host whose every address is neither link-local (169.254.0.0/16 and fe80::/10, where cloud
 * metadata lives), unspecified, multicast, nor a known metadata address. Loopback is refused unless
 * the operator sets {@code musubi.talk.bots.allow-loopback=true}. Checked at registration and again
 * before every delivery.
 */
@Component
public class CallbackGuard {

  /** Why a callback URL is refused. */
  public static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private final boolean allowLoopback;

  public CallbackGuard(@Value("${musubi.talk.bots.allow-loopback:false}") boolean allowLoopback) {
    this.allowLoopback = allowLoopback;
  }

  /** The parsed URL when it may be called; {@link Refused} with the reason otherwise. */
  public URI check(String url) throws Refused {
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new Refused("Not a valid URL.");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Refused("Only http and https URLs.");
    }
    if (uri.getRawUserInfo() != null) {
      throw new Refused("No user name or password in the URL.");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new Refused("The URL needs a host.");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new Refused("The host does not resolve.");
    }
    for (InetAddress a : addresses) {
      refuse(a);
    }
    return uri;
  }

  private void refuse(InetAddress a) throws Refused {
    InetAddress addr = unmapped(a);
    if (addr.isLinkLocalAddress()
        || addr.isAnyLocalAddress()
        || addr.isMulticastAddress()
        || metadata(addr)) {
      throw new Refused("The host points to a link-local, metadata or reserved address.");
    }
    if (addr.isLoopbackAddress() && !allowLoopback) {
      throw new Refused("The host points to this machine.");
    }
  }

  private static boolean metadata(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      // 0.0.0.0/8, 100.100.100.200 (a cloud metadata address), 192.0.0.0/24
      return first == 0
          || (first == 100 && second == 100 && (b[2] & 0xff) == 100 && (b[3] & 0xff) == 200)
          || (first == 192 && second == 0 && (b[2] & 0xff) == 0);
    }
    // fd00:ec2::254 (a cloud metadata address over IPv6)
    return a.getHostAddress().toLowerCase(Locale.ROOT).startsWith("fd00:ec2:")
        && (b[15] & 0xff) == 0x54
        && (b[14] & 0xff) == 0x02;
  }

  /** An IPv4-mapped IPv6 address as its IPv4 address. */
  private static InetAddress unmapped(InetAddress a) {
    if (a instanceof Inet6Address) {
      byte[] b = a.getAddress();
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      if (mapped) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          return a;
        }
      }
    }
    return a;
  }
}
