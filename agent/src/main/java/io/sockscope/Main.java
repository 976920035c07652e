package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.CommandLine;
import io.sockscope.config.ConfigException;
import io.sockscope.config.ConfigLoader;
import io.sockscope.config.StartChecks;
import io.sockscope.kubernetes.PodIdentity;
import io.sockscope.kubernetes.WatchedResource;
import io.sockscope.metrics.BuildInfo;

/**
 * Entry point. Exit codes: 0 ok, 1 failed at run time, 2 bad command line or configuration (one
 * line on stderr per problem, naming the flag or key). {@code --check-config} and start run the same
 * checks ({@link ConfigLoader#check}), so a configuration the check passes does not fail at start.
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

  /**
   * SIGTERM: stop the components, but exit 0 within {@link #STOP_GRACE} whatever is still running
   * (a probe of a tarpit, an HTTP client that does not go away). Without the halt the JVM ends a
   * SIGTERM with 143, and Kubernetes counts that as a failure; issue 13 measured 5.3 s and 143.
   */
  static void stop(Agent agent) {
    Thread closer = Thread.ofPlatform().daemon().name("shutdown-close").start(agent::close);
    try {
      closer.join(STOP_GRACE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      System.err.println(
          "sockscope: still stopping after " + STOP_GRACE.toMillis() + " ms; exiting anyway");
    }
    Runtime.getRuntime().halt(0);
  }

  /** Leaves room under the 2 s the README promises for the JVM's own exit. */
  static final java.time.Duration STOP_GRACE = java.time.Duration.ofMillis(1500);

  /** Runs the agent; returns an exit code, or -1 while the agent keeps running. */
  static int run(String[] args) {
    return run(args, environment(System::getenv));
  }

  /** This process's surroundings as start sees them ({@code env}: its environment variables). */
  static StartChecks.Environment environment(java.util.function.Function<String, String> env) {
    return new StartChecks.Environment(env, PodIdentity.SERVICE_ACCOUNT_NAMESPACE,
        c -> !WatchedResource.planFor(c.role(), c.kubernetes()).isEmpty());
  }

  static int run(String[] args, StartChecks.Environment environment) {
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
      config = ConfigLoader.check(cli, environment);
    } catch (ConfigException e) {
      e.lines().forEach(line -> System.err.println("sockscope: " + line));
      return 2;
    }
    if (cli.checkConfig()) {
      System.out.println("sockscope: configuration OK (role " + config.role().flag() + ")");
      return 0;
    }
    try {
      Agent agent = Agent.start(config, cli.demo());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(agent), "shutdown"));
      return -1;
    } catch (StartupException e) {
      System.err.println("sockscope: " + e.getMessage());
      return 1;
    }
  }
}
