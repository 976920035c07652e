package io.sockscope.util;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs a failure at most once per period per reason, then says how many were suppressed. A sample
 * that fails every 2 s must not flood the pod's log; the error counter carries the rate.
 */
public final class RateLimitedLog {
  private final Logger logger;
  private final Duration period;
  private final Clock clock;
  private final Map<String, long[]> last = new ConcurrentHashMap<>(); // reason -> {millis, suppressed}

  public RateLimitedLog(Logger logger, Duration period, Clock clock) {
    this.logger = logger;
    this.period = period;
    this.clock = clock;
  }

  public static RateLimitedLog perMinute(Logger logger) {
    return new RateLimitedLog(logger, Duration.ofMinutes(1), Clock.systemUTC());
  }

  /** Logs {@code message} unless {@code reason} was logged less than one period ago. */
  public boolean log(Level level, String reason, String message) {
    long now = clock.millis();
    long[] state = last.computeIfAbsent(reason, r -> new long[] {Long.MIN_VALUE, 0});
    synchronized (state) {
      if (state[0] != Long.MIN_VALUE && now - state[0] < period.toMillis()) {
        state[1]++;
        return false;
      }
      long suppressed = state[1];
      state[0] = now;
      state[1] = 0;
      logger.log(level, suppressed == 0 ? message : message + " (" + suppressed + " similar suppressed)");
      return true;
    }
  }
}
