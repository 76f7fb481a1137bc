package dev.musubi.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.MusubiIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/** The running server's connector copies responses through the larger socket write buffer. */
@MusubiIntegrationTest
class TomcatTuningIntegrationTests {

  @Autowired WebServerApplicationContext context;

  @Test
  void theConnectorWritesThroughA32KiBSocketBuffer() {
    var tomcat = ((TomcatWebServer) context.getWebServer()).getTomcat();
    assertThat(tomcat.getConnector().getProperty("socket.appWriteBufSize"))
        .hasToString(Integer.toString(TomcatTuning.SOCKET_WRITE_BUFFER));
    assertThat(TomcatTuning.SOCKET_WRITE_BUFFER).isEqualTo(32 * 1024);
  }
}
