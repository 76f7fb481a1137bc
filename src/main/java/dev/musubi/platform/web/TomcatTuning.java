package dev.musubi.platform.web;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat copies every response through its socket write buffer, 8 KiB by default: one system call
 * per 8 KiB, which for a large download costs more than the decryption. A larger buffer per
 * connection moves large bodies in fewer calls.
 */
@Configuration(proxyBeanMethods = false)
class TomcatTuning {

  static final int SOCKET_WRITE_BUFFER = 32 * 1024;

  @Bean
  TomcatConnectorCustomizer socketWriteBuffer() {
    return connector ->
        connector.setProperty("socket.appWriteBufSize", Integer.toString(SOCKET_WRITE_BUFFER));
  }
}
