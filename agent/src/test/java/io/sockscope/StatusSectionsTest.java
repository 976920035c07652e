package io.sockscope;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 13: a certificate expired an hour ago showed "-0.0" days left. */
class StatusSectionsTest {
  @Test
  void expiredCertificatesSayExpiredNeverMinusZero() {
    double anHourAgo = -1.0 / 24;
    assertThat(StatusSections.daysLeft(anHourAgo)).isEqualTo("expired");
    assertThat(StatusSections.daysLeft(-3.26)).isEqualTo("expired 3.3 d ago");
    assertThat(StatusSections.daysLeft(0.01)).isEqualTo("0.0");
    assertThat(StatusSections.daysLeft(12.0)).isEqualTo("12.0");
    for (double d = -0.2; d < 0; d += 0.001) {
      assertThat(StatusSections.daysLeft(d)).doesNotContain("-");
    }
  }
}
