package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.CommandLine;
import io.sockscope.config.ConfigException;
import io.sockscope.config.ConfigLoader;
import io.sockscope.metrics.BuildInfo;

/**
 * Entry point. Exit codes: 0 ok, 1 failed at run time, 2 bad command line or configuration (one
 * line on stderr naming the flag or key).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Logging.configure();
    int code = run(args);
    if (code >= 0) {
      System.exit(code);
    }
    // Every thread of the lean sidecar is a daemon (the JDK's HTTP server, virtual threads, the
    // sampler): main holds the process until SIGTERM runs the shutdown hook and exits.
    try {
      new java.util.concurrent.CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs the agent; returns an exit code, or -1 while the agent keeps running. */
  static int run(String[] args) {
    CommandLine cli;
    AgentConfig config;
    try {
      cli = CommandLine.parse(args);
      if (cli.help()) {
        System.out.print(CommandLine.USAGE);
        return 0;
      }
      if (cli.version()) {
        System.out.println("sockscope " + BuildInfo.load().version());
        return 0;
      }
      AgentConfig base =
          cli.config() == null ? AgentConfig.defaults() : ConfigLoader.load(cli.config());
      config = ConfigLoader.apply(base, cli);
    } catch (ConfigException e) {
      System.err.println("sockscope: " + e.getMessage());
      return 2;
    }
    if (cli.checkConfig()) {
      System.out.println("sockscope: configuration OK (role " + config.role().flag() + ")");
      return 0;
    }
    try {
      Agent agent = Agent.start(config, cli.demo());
      Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "shutdown"));
      return -1;
    } catch (StartupException e) {
      System.err.println("sockscope: " + e.getMessage());
      return 1;
    }
  }
}
