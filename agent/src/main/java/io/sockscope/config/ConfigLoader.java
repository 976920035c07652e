package io.sockscope.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the configuration file onto {@link AgentConfig} with {@link YamlReader} and {@link
 * RecordMapper} (the JDK only: no YAML or JSON library is loaded). Strict: an unknown key is an
 * error, never ignored; every problem is found, not only the first, and each is one line naming
 * the key and, for the file, {@code file:line:column} (docs/configuration.md, "Errors").
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Everything start needs, checked at once: the file, the flags merged into it, every value, and
   * the files and surroundings start would use ({@link StartChecks}). Both {@code --check-config}
   * and start go through here, so they accept and refuse the same inputs with the same lines.
   */
  public static AgentConfig check(CommandLine cli, StartChecks.Environment environment) {
    String origin = cli.config() == null ? null : cli.config().toString();
    Validation v = new Validation();
    Map<String, YamlNode.Mark> marks = new HashMap<>();
    AgentConfig base = cli.config() == null
        ? AgentConfig.defaults()
        : map(read(cli.config()), origin, v, marks);
    AgentConfig config = merge(base, cli);
    config.validate(v);
    StartChecks.check(config, environment, v);
    v.throwIfAny(origin, marks);
    return config;
  }

  /** Loads and validates {@code file} (values only: see {@link #check} for the files it names). */
  public static AgentConfig load(Path file) {
    return parse(read(file), file.toString());
  }

  /** Parses YAML text; {@code origin} names it in messages. An empty document is all defaults. */
  public static AgentConfig parse(String text, String origin) {
    Validation v = new Validation();
    Map<String, YamlNode.Mark> marks = new HashMap<>();
    AgentConfig config = map(text, origin, v, marks);
    config.validate(v);
    v.throwIfAny(origin, marks);
    return config;
  }

  /** Merges the command line into the file's configuration and validates the result. */
  public static AgentConfig apply(AgentConfig base, CommandLine cli) {
    return merge(base, cli).validate();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
  }

  /**
   * The file's values (defaults where a key is missing or wrong); problems go to {@code v}. A
   * syntax error stops here: past it, the shape of the file is a guess.
   */
  private static AgentConfig map(
      String text, String origin, Validation v, Map<String, YamlNode.Mark> marks) {
    YamlNode root;
    try {
      root = YamlReader.read(text);
    } catch (YamlReader.SyntaxError e) {
      throw new ConfigException(origin + ":" + e.mark() + ": " + e.getMessage());
    }
    if (root == null) {
      return AgentConfig.defaults();
    }
    if (!(root instanceof YamlNode.Mapping)) {
      marks.put("(top level)", root.mark());
      v.fail("(top level)", "expected a mapping of settings (key: value), got " + YamlNode.kind(root));
      return AgentConfig.defaults();
    }
    AgentConfig config = new RecordMapper(v, marks).map(root, AgentConfig.class, "");
    return config == null ? AgentConfig.defaults() : config;
  }

  private static AgentConfig merge(AgentConfig base, CommandLine cli) {
    AgentConfig c = base;
    if (cli.role() != null) {
      c = c.withRole(cli.role());
    }
    if (cli.port() != null) {
      c = c.withPort(cli.port());
    }
    if (cli.bind() != null) {
      c = c.withBindAddress(cli.bind());
    }
    List<TlsTargetConfig> targets = cli.tlsTargets().stream().map(TlsTargetConfig::fromFlag).toList();
    if (!targets.isEmpty() || !cli.tlsCaFiles().isEmpty()) {
      c = c.withTls(targets, cli.tlsCaFiles());
    }
    if (!cli.certificateFiles().isEmpty()) {
      c = c.withCertificateFiles(
          cli.certificateFiles().stream().map(CertificateFileConfig::fromFlag).toList());
    }
    return c;
  }
}
