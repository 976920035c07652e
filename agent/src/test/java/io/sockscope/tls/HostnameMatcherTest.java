package io.sockscope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HostnameMatcherTest {
  /** The definition the hand-written check replaced, kept as its oracle. */
  private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  @Test
  void ipLiteralsAreDottedQuadsOrAnythingWithAColon() {
    assertThat(List.of("127.0.0.1", "10.96.0.10", "999.1.1.1", "0.0.0.0", "::1", "fe80::1%eth0", "[::1]"))
        .allMatch(HostnameMatcher::isIpLiteral);
    assertThat(List.of("bench.test", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "1234.1.1.1",
            "1.2.3.4a", "", "kubernetes.default.svc", "10.0.0.1.nip.io", "١.٢.٣.٤"))
        .noneMatch(HostnameMatcher::isIpLiteral);
  }

  @Test
  void agreesWithTheRegexOnRandomDigitsAndDots() {
    var random = new SplittableRandom(12);
    List<String> samples = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      var b = new StringBuilder();
      for (int n = random.nextInt(16); n > 0; n--) {
        b.append("0123456789..a".charAt(random.nextInt(13)));
      }
      samples.add(b.toString());
    }
    for (String s : samples) {
      assertThat(HostnameMatcher.isIpLiteral(s)).as(s).isEqualTo(DOTTED_QUAD.matcher(s).matches());
    }
  }
}
