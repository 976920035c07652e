package io.sockscope.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the YAML file onto {@link AgentConfig}. Strict: an unknown key is an error, never ignored,
 * and every error is one line naming the key (blackbox_exporter and client_java do the same).
 */
public final class ConfigLoader {
  /** Built when a file is parsed, not when the flags are applied: no file, no Jackson. */
  private static final class Yaml {
    static final YAMLMapper MAPPER =
        YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addModule(new SimpleModule("durations").addDeserializer(Duration.class, new DurationDe()))
            .build();
  }

  private ConfigLoader() {}

  /** Loads and validates {@code file}. */
  public static AgentConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** Parses YAML text; {@code origin} names it in messages. An empty document is all defaults. */
  public static AgentConfig parse(String text, String origin) {
    if (text.isBlank()) {
      return AgentConfig.defaults().validate();
    }
    try {
      AgentConfig config = Yaml.MAPPER.readValue(text, AgentConfig.class);
      return (config == null ? AgentConfig.defaults() : config).validate();
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(origin + ": unknown key '" + path(e) + "'");
    } catch (DatabindException e) {
      throw new ConfigException(origin + ": " + path(e) + ": " + reason(e));
    } catch (JacksonException e) {
      throw new ConfigException(origin + ": not valid YAML: " + firstLine(e.getOriginalMessage()));
    } catch (ConfigException e) {
      throw new ConfigException(origin + ": " + e.getMessage());
    }
  }

  private static String path(DatabindException e) {
    StringBuilder sb = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? "(top level)" : sb.toString();
  }

  private static String reason(DatabindException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof IllegalArgumentException || root instanceof ConfigException) {
      return firstLine(root.getMessage());
    }
    String m = firstLine(e.getOriginalMessage());
    // "Cannot deserialize value of type `io.sockscope.config.SocketsConfig` from Array value (...)"
    var wrongType = java.util.regex.Pattern.compile("Cannot deserialize value of type `(?:[\\w.]+\\.)?([\\w$<>]+)` from (\\w+).*").matcher(m);
    if (wrongType.matches()) {
      String type = wrongType.group(1).replace("Config", "").replace("java.lang.", "");
      return "wrong type: expected " + (type.isEmpty() ? "a mapping" : article(type)) + ", got " + wrongType.group(2).toLowerCase(java.util.Locale.ROOT);
    }
    return m;
  }

  private static String article(String type) {
    return switch (type) {
      case "Integer", "int", "Long", "long" -> "a whole number";
      case "Double", "double" -> "a number";
      case "Boolean", "boolean" -> "true or false";
      case "String" -> "a string";
      case "List" -> "a list";
      default -> "a mapping (" + type + ")";
    };
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid value";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** "10s", "500ms"; a bare number is refused (is it seconds or milliseconds?). */
  private static final class DurationDe extends ValueDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) {
      return Durations.parse(p.getString());
    }
  }

  /** Merges the command line into the file's configuration and validates the result. */
  public static AgentConfig apply(AgentConfig base, CommandLine cli) {
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
    return c.validate();
  }
}
