package io.sockscope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The odd one out of file, Secret and served leaf; "-" is a view not known now. */
class DiffersTest {
  @ParameterizedTest(name = "file={0} secret={1} served={2} compared={3} -> {4}")
  @CsvSource({
      "a, a, a, true, NONE",
      "a, b, a, true, SECRET", // subPath: file and app on the old leaf, the Secret renewed
      "a, a, b, true, SERVED", // never reloaded
      "b, a, a, true, FILE",
      "a, b, c, true, ALL",
      "-, a, a, true, UNKNOWN",
      "a, -, a, true, UNKNOWN",
      "a, a, -, true, UNKNOWN",
      "a, a, -, false, NONE", // no port: file vs Secret only
      "a, b, -, false, FILE",
      "a, -, -, false, UNKNOWN",
  })
  void oddOneOut(String file, String secret, String served, boolean compared, Differs expected) {
    assertThat(Differs.of(v(file), v(secret), v(served), compared)).isEqualTo(expected);
  }

  private static String v(String s) {
    return s.equals("-") ? null : s;
  }
}
