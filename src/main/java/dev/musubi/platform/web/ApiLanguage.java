package dev.musubi.platform.web;

import java.util.List;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.i18n.AcceptHeaderLocaleResolver;

/**
 * The language of the API's messages: Japanese or English, as the request's {@code Accept-Language}
 * prefers (the web client sends its UI language); English for a client that sends none or asks for
 * another language, whatever the server's own locale. Bean Validation messages and the common field
 * messages ({@link FieldMessages}) follow it; error codes never change.
 */
@Configuration(proxyBeanMethods = false)
class ApiLanguage {

  @Bean(name = DispatcherServlet.LOCALE_RESOLVER_BEAN_NAME)
  LocaleResolver localeResolver() {
    AcceptHeaderLocaleResolver resolver = new AcceptHeaderLocaleResolver();
    resolver.setSupportedLocales(List.of(Locale.ENGLISH, Locale.JAPANESE));
    resolver.setDefaultLocale(Locale.ENGLISH);
    return resolver;
  }
}
