package dev.musubi.messaging.internal;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/** The one realtime socket, {@code /api/v1/events}, behind the normal security filter chain. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class RealtimeConfiguration implements WebSocketConfigurer {

  private final RealtimeGateway gateway;
  private final HandshakeGuard guard;

  RealtimeConfiguration(RealtimeGateway gateway, HandshakeGuard guard) {
    this.gateway = gateway;
    this.guard = guard;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    // The guard checks the Origin against the Host header; Spring's own check (which also compares
    // the scheme, wrong behind a TLS-terminating proxy) is switched off by allowing every pattern.
    registry
        .addHandler(gateway, "/api/v1/events")
        .addInterceptors(guard)
        .setAllowedOriginPatterns("*");
  }
}
