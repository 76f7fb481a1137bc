package dev.musubi.drive.web;

import dev.musubi.drive.Drives;
import dev.musubi.platform.web.ProblemWriter;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Mounts the WebDAV servlet at {@code /dav/files/}. */
@Configuration(proxyBeanMethods = false)
class DavConfiguration {

  @Bean
  ServletRegistrationBean<DavServlet> davServlet(
      Drives drives, DavLocks locks, Downloads downloads, ProblemWriter problems) {
    var bean =
        new ServletRegistrationBean<>(
            new DavServlet(drives, locks, downloads, problems), "/dav/files/*");
    bean.setName("musubiDav");
    bean.setLoadOnStartup(1);
    return bean;
  }
}
