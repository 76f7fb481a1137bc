package dev.musubi.platform.web;

import dev.musubi.platform.MusubiProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Facts about the current HTTP request that audit and security need: the client's address ({@code
 * X-Forwarded-For} believed only from configured proxies) and user agent.
 */
@Component
public class RequestInfo {

  private final Set<String> trustedProxies;

  public RequestInfo(MusubiProperties properties) {
    this.trustedProxies = Set.copyOf(properties.trustedProxies());
  }

  public String clientIp(HttpServletRequest request) {
    String remote = request.getRemoteAddr();
    if (trustedProxies.contains(remote)) {
      String forwarded = request.getHeader("X-Forwarded-For");
      if (forwarded != null && !forwarded.isBlank()) {
        String[] hops = forwarded.split(",");
        // The right-most address not belonging to a trusted proxy is the client.
        for (int i = hops.length - 1; i >= 0; i--) {
          String hop = hops[i].trim();
          if (!trustedProxies.contains(hop)) {
            return hop;
          }
        }
      }
    }
    return remote;
  }

  public String userAgent(HttpServletRequest request) {
    String ua = request.getHeader("User-Agent");
    if (ua == null) {
      return "";
    }
    return ua.length() > 400 ? ua.substring(0, 400) : ua;
  }
}
