package dev.musubi;

import dev.musubi.platform.MusubiCommand;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Command-line entry: {@code java -jar musubi.jar <command> [args]} starts Musubi without its web
 * server and runs one {@link MusubiCommand} bean, e.g. {@code audit-verify}.
 */
final class Commands {

  private Commands() {}

  static int run(String[] args) {
    var app = new SpringApplication(MusubiApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setAdditionalProfiles("command");
    try (ConfigurableApplicationContext context = app.run()) {
      var commands = context.getBeansOfType(MusubiCommand.class).values();
      List<String> rest = Arrays.asList(args).subList(1, args.length);
      for (MusubiCommand command : commands) {
        if (command.name().equals(args[0])) {
          return command.run(rest);
        }
      }
      System.err.println("Unknown command: " + args[0]);
      System.err.println("Commands:");
      commands.forEach(c -> System.err.println("  " + c.name() + "  " + c.description()));
      return 2;
    }
  }
}
