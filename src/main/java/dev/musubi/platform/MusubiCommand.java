package dev.musubi.platform;

import java.util.List;

/** A command run from the command line ({@code java -jar musubi.jar NAME args}). */
public interface MusubiCommand {

  /** The command's name on the command line. */
  String name();

  /** One line for the help text. */
  String description();

  /** Runs the command; returns the process exit code (0 for success). */
  int run(List<String> args);
}
