package dev.musubi.messaging.internal;

import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Lets a WebSocket handshake through only for a signed-in member (the normal filter chain has
 * authenticated the request) from the server's own origin, and remembers who it is on the socket.
 */
@Component
class HandshakeGuard implements HandshakeInterceptor {

  static final String TENANT_ID = "musubi.tenantId";
  static final String MEMBER_ID = "musubi.memberId";
  static final String SINCE = "musubi.since";
  static final String EPOCH = "musubi.epoch";

  private final @Nullable String publicOrigin;

  HandshakeGuard(MusubiProperties properties) {
    String url = properties.publicUrl();
    String origin = null;
    if (url != null && !url.isBlank()) {
      URI u = URI.create(url.trim());
      origin = u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
    }
    this.publicOrigin = origin;
  }

  @Override
  public boolean beforeHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Map<String, Object> attributes) {
    Optional<MemberPrincipal> principal = CurrentMember.find();
    if (principal.isEmpty()) {
      response.setStatusCode(HttpStatus.UNAUTHORIZED);
      return false;
    }
    String origin = request.getHeaders().getOrigin();
    if (origin != null
        && !sameOrigin(origin, request.getHeaders().getFirst("Host"))
        && !origin.equalsIgnoreCase(publicOrigin)) {
      response.setStatusCode(HttpStatus.FORBIDDEN);
      return false;
    }
    MemberPrincipal p = principal.get();
    attributes.put(TENANT_ID, p.tenantId());
    attributes.put(MEMBER_ID, p.memberId());
    if (p.sessionId() != null) {
      attributes.put(MemberStreams.SESSION_ID, p.sessionId());
    }
    MultiValueMap<String, String> query =
        UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams();
    String since = query.getFirst("since");
    if (since != null) {
      try {
        attributes.put(SINCE, Long.parseLong(since));
      } catch (NumberFormatException e) {
        attributes.put(SINCE, -1L);
      }
    }
    String epoch = query.getFirst("epoch");
    if (epoch != null) {
      attributes.put(EPOCH, epoch);
    }
    return true;
  }

  /**
   * The Origin names the host (and port) the request was sent to, as in identity's origin check:
   * the scheme is not compared, so that it works behind a proxy that terminates TLS.
   */
  static boolean sameOrigin(String origin, @Nullable String host) {
    if (host == null) {
      return false;
    }
    try {
      URI o = URI.create(origin);
      String originHost = o.getPort() == -1 ? o.getHost() : o.getHost() + ":" + o.getPort();
      return originHost != null && originHost.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public void afterHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      @Nullable Exception exception) {}
}
