package dev.musubi.platform.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document at {@code /api/openapi.json}: title and the two ways to authenticate. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  @Bean
  OpenAPI musubiOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Musubi API")
                .version("v1")
                .description(
                    "REST + JSON API of Musubi. Errors are RFC 9457 problem details. See"
                        + " docs/api.md.")
                .license(new License().name("MIT")))
        .components(
            new Components()
                .addSecuritySchemes(
                    "session",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.COOKIE)
                        .name("MUSUBI_SESSION"))
                .addSecuritySchemes(
                    "token",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("Personal access token (mus_…)")))
        .addSecurityItem(new SecurityRequirement().addList("session"))
        .addSecurityItem(new SecurityRequirement().addList("token"));
  }
}
