package dev.musubi.platform.web;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat's connector, tuned.
 *
 * <ul>
 *   <li>Every response goes through the socket write buffer, 8 KiB by default: one system call per
 *       8 KiB, which for a large download costs more than the decryption. A larger buffer per
 *       connection moves large bodies in fewer calls.
 *   <li>A client that sends {@code Expect: 100-continue} waits for the go-ahead before the body.
 *       Tomcat gives it at once by default, before the application saw the request; here it is
 *       given when the application first reads the body. An upload refused from its headers (too
 *       large, not allowed) is then answered without the client sending the body at all.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class TomcatTuning {

  static final int SOCKET_WRITE_BUFFER = 32 * 1024;

  @Bean
  TomcatConnectorCustomizer socketWriteBuffer() {
    return connector -> {
      connector.setProperty("socket.appWriteBufSize", Integer.toString(SOCKET_WRITE_BUFFER));
      connector.setProperty("continueResponseTiming", "onRead");
    };
  }
}
